using System.Security.Cryptography.X509Certificates;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>An EK certificate found in TPM NV: where it was and what it is.</summary>
internal sealed record TpmEkCertificate(uint NvIndex, string Kind, X509Certificate2 Certificate);
