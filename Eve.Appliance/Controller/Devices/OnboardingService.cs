using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Store;

namespace Eve.Appliance.Controller.Devices;

/// <summary>Onboarding certificates and the serials each may register ("*" = any serial).</summary>
internal sealed class OnboardingService(ControllerStore store)
{
    public OnboardDoc Add(X509Certificate2 cert, IReadOnlyCollection<string> serials)
    {
        var id = Convert.ToHexStringLower(SHA256.HashData(cert.RawData));
        var doc = store.Onboarding.FindById(id) ?? new OnboardDoc { Id = id, CertPem = cert.ExportCertificatePem(), AddedAt = DateTime.UtcNow };
        foreach (var s in serials.Count == 0 ? ["*"] : serials)
        {
            var trimmed = s.Trim();
            if (trimmed.Length == 0) throw ApiError.BadRequest("empty serial; use '*' to allow any serial");
            if (!doc.Serials.Contains(trimmed)) doc.Serials.Add(trimmed);
        }
        store.Onboarding.Upsert(doc);
        return doc;
    }

    public IEnumerable<OnboardDoc> List() => store.Onboarding.FindAll().OrderBy(o => o.AddedAt);

    public bool Remove(string id) => store.Onboarding.Delete(id);

    public OnboardDoc? Find(ReadOnlySpan<byte> certDer) => store.Onboarding.FindById(Convert.ToHexStringLower(SHA256.HashData(certDer)));

    /// <summary>Adam's rule: try the hardware serial, then the soft serial.</summary>
    public static bool Allows(OnboardDoc doc, string serial, string softSerial) =>
        doc.Serials.Contains("*") || (serial != "" && doc.Serials.Contains(serial)) || (softSerial != "" && doc.Serials.Contains(softSerial));
}
