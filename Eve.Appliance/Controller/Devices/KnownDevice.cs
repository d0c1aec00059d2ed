using System.Security.Cryptography;

namespace Eve.Appliance.Controller.Devices;

/// <summary>A registered device as the hot path needs it: id and a ready public key.</summary>
internal sealed record KnownDevice(string Id, string CertHashHex, byte[] CertDer, ECDsa PublicKey);
