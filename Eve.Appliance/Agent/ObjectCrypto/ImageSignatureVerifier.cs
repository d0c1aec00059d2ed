using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.ObjectCrypto;

/// <summary>
/// EVE's image signature check (verifier, verifyObjectShaSignature): the signer cert
/// (<c>siginfo.signercerturl</c>) must chain, through the intermediates at
/// <c>siginfo.intercertsurl</c>, to the controller's root (/config/root-certificate.pem), and the
/// signature must verify over the image's SHA-256 digest: RSA PKCS#1 v1.5, or ECDSA as EVE sends
/// it (base64 text of r‖s; raw r‖s and DER are accepted too). An image without siginfo is not
/// checked, as in EVE; siginfo with only half of (signer cert, signature) is refused.
/// </summary>
internal static class ImageSignatureVerifier
{
    /// <summary>Fetches the certs the siginfo names (URLs relative to the image's URL when not
    /// absolute) and verifies. Returns null when the image may be used, else the reason.</summary>
    public static async Task<string?> CheckAsync(string imageName, string sha256Hex, SignatureInfo? siginfo, Uri imageUri,
        Func<Uri, CancellationToken, Task<byte[]>> fetch, X509Certificate2Collection roots, CancellationToken ct)
    {
        if (siginfo == null || (siginfo.Signature.IsEmpty && siginfo.Signercerturl == "" && siginfo.Intercertsurl == "")) return null;
        if (siginfo.Signature.IsEmpty) return $"image '{imageName}': siginfo names signer cert '{siginfo.Signercerturl}' but carries no signature; the image is refused";
        if (siginfo.Signercerturl == "") return $"image '{imageName}': siginfo carries a signature but no signer cert URL; the image is refused";
        X509Certificate2 signer;
        var intermediates = new X509Certificate2Collection();
        try
        {
            var signerBytes = await fetch(Resolve(imageUri, siginfo.Signercerturl), ct).ConfigureAwait(false);
            signer = LoadOne(signerBytes);
            foreach (var url in siginfo.Intercertsurl.Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                intermediates.ImportFromPem(System.Text.Encoding.ASCII.GetString(await fetch(Resolve(imageUri, url), ct).ConfigureAwait(false)));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or CryptographicException or UriFormatException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return $"image '{imageName}': cannot get the signing certificates named in siginfo: {e.Message}";
        }
        using (signer)
            return Verify(imageName, sha256Hex, siginfo.Signature.Span, signer, intermediates, roots);
    }

    /// <summary>Verifies with certs in hand. Returns null when good, else the reason.</summary>
    public static string? Verify(string imageName, string sha256Hex, ReadOnlySpan<byte> signature, X509Certificate2 signer,
        X509Certificate2Collection intermediates, X509Certificate2Collection roots)
    {
        byte[] digest;
        try { digest = Convert.FromHexString(sha256Hex); }
        catch (FormatException) { return $"image '{imageName}': sha256 '{sha256Hex}' is not hex"; }
        if (digest.Length != 32) return $"image '{imageName}': sha256 '{sha256Hex}' is not 32 bytes";

        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.ExtraStore.AddRange(intermediates);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (!chain.Build(signer))
            {
                var why = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s != ""));
                return $"image '{imageName}': signer cert '{signer.Subject}' does not chain to the controller's root certificate ({why}); the image is refused";
            }
        }
        if (signer.GetRSAPublicKey() is { } rsa)
        {
            using (rsa)
                return rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1) ? null
                    : $"image '{imageName}': RSA signature does not verify over sha256 {sha256Hex} with signer cert '{signer.Subject}' (tampered image or signature); the image is refused";
        }
        if (signer.GetECDsaPublicKey() is { } ec)
        {
            using (ec)
                return EcdsaForms(signature).Any(s => TryVerify(ec, digest, s.Bytes, s.Format)) ? null
                    : $"image '{imageName}': ECDSA signature does not verify over sha256 {sha256Hex} with signer cert '{signer.Subject}' (tampered image or signature); the image is refused";
        }
        return $"image '{imageName}': signer cert '{signer.Subject}' has neither an RSA nor an EC key";
    }

    /// <summary>EVE sends base64 text of r‖s; accept raw r‖s and DER as well.</summary>
    private static IEnumerable<(byte[] Bytes, DSASignatureFormat Format)> EcdsaForms(ReadOnlySpan<byte> signature)
    {
        var raw = signature.ToArray();
        var list = new List<(byte[], DSASignatureFormat)>();
        try
        {
            var decoded = Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(raw));
            list.Add((decoded, decoded.Length == 64 ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation : DSASignatureFormat.Rfc3279DerSequence));
        }
        catch (FormatException) { }
        list.Add((raw, raw.Length == 64 ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation : DSASignatureFormat.Rfc3279DerSequence));
        return list;
    }

    private static bool TryVerify(ECDsa key, byte[] digest, byte[] signature, DSASignatureFormat format)
    {
        try { return key.VerifyHash(digest, signature, format); }
        catch (CryptographicException) { return false; }
    }

    private static Uri Resolve(Uri imageUri, string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var abs) && abs.Scheme is "http" or "https" ? abs : new Uri(imageUri, url);

    private static X509Certificate2 LoadOne(byte[] bytes)
    {
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        return text.Contains("-----BEGIN", StringComparison.Ordinal) ? X509Certificate2.CreateFromPem(text) : X509CertificateLoader.LoadCertificate(bytes);
    }
}
