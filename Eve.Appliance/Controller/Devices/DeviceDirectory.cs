using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Eve.Appliance.Api.Envelope;
using Eve.Appliance.Store;

namespace Eve.Appliance.Controller.Devices;

/// <summary>
/// Registered devices, keyed by the SHA-256 of their certificate (the v2 senderCertHash) and by
/// the DER itself (v1's TLS client cert). Backed by the store; cached so that each of the many
/// polls a fleet makes costs a dictionary lookup, not a query.
/// </summary>
internal sealed class DeviceDirectory
{
    private readonly ControllerStore _store;
    private readonly ConcurrentDictionary<string, KnownDevice> _byCertHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KnownDevice> _byId = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();

    public DeviceDirectory(ControllerStore store)
    {
        _store = store;
        foreach (var doc in store.Devices.FindAll()) Cache(doc);
    }

    public int Count => _byId.Count;

    public KnownDevice? FindByCertHash(ReadOnlySpan<byte> certHash) =>
        certHash.Length == 32 && _byCertHash.TryGetValue(Convert.ToHexStringLower(certHash), out var d) ? d : null;

    public KnownDevice? FindById(string id) => _byId.GetValueOrDefault(id);

    public KnownDevice? FindByCertDer(ReadOnlySpan<byte> der) => FindByCertHash(SHA256.HashData(der));

    public DeviceDoc? Get(string id) => _store.Devices.FindById(id);

    public IEnumerable<DeviceDoc> All() => _store.Devices.FindAll().OrderBy(d => d.RegisteredAt);

    /// <summary>Adds a device by its certificate (from onboarding or an operator's pre-registration).
    /// Returns the existing record when that cert is already known.</summary>
    public (DeviceDoc Doc, bool Created) Register(X509Certificate2 deviceCert, string serial, string softSerial, string onboardHashHex, Action<DeviceDoc>? onCreate = null)
    {
        if (deviceCert.GetECDsaPublicKey() == null && deviceCert.GetRSAPublicKey() == null)
            throw ApiError.BadRequest("device certificate has neither an EC nor an RSA public key");
        var hashHex = Convert.ToHexStringLower(SHA256.HashData(deviceCert.RawData));
        lock (_writeLock)
        {
            var existing = _store.Devices.FindOne(d => d.CertHashHex == hashHex);
            if (existing != null) return (existing, false);
            var doc = new DeviceDoc
            {
                Id = Guid.NewGuid().ToString(),
                CertHashHex = hashHex,
                CertPem = deviceCert.ExportCertificatePem(),
                Serial = serial,
                SoftSerial = softSerial,
                OnboardCertHashHex = onboardHashHex,
                RegisteredAt = DateTime.UtcNow,
                Name = string.IsNullOrEmpty(serial) ? softSerial : serial,
            };
            onCreate?.Invoke(doc);
            _store.Devices.Insert(doc);
            Cache(doc);
            return (doc, true);
        }
    }

    /// <summary>The device already registered under this onboarding cert and serial, if any (409 rule).</summary>
    public DeviceDoc? FindBySerial(string onboardHashHex, string serial, string softSerial) =>
        _store.Devices.FindOne(d => d.OnboardCertHashHex == onboardHashHex
                                    && ((serial != "" && d.Serial == serial) || (softSerial != "" && d.SoftSerial == softSerial)));

    public void Update(DeviceDoc doc)
    {
        lock (_writeLock) _store.Devices.Update(doc);
    }

    public bool Delete(string id)
    {
        lock (_writeLock)
        {
            if (!_store.Devices.Delete(id)) return false;
            if (_byId.TryRemove(id, out var known)) _byCertHash.TryRemove(known.CertHashHex, out _);
            return true;
        }
    }

    private void Cache(DeviceDoc doc)
    {
        using var cert = X509Certificate2.CreateFromPem(doc.CertPem);
        var key = cert.GetECDsaPublicKey();
        if (key == null) return; // RSA devices are not supported on the v2 hot path
        var known = new KnownDevice(doc.Id, doc.CertHashHex, cert.RawData, key);
        _byCertHash[doc.CertHashHex] = known;
        _byId[doc.Id] = known;
    }

    public static string PemOf(X509Certificate2 cert) => Encoding.ASCII.GetString(CertHashes.TrimmedPem(cert));
}
