using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Api.Envelope;
using Google.Protobuf;
using Org.Lfedge.Eve.Certs;
using HashAlgorithm = Org.Lfedge.Eve.Common.HashAlgorithm;

namespace Eve.Appliance.Controller.Pki;

/// <summary>The loaded controller PKI: TLS identity, envelope signer, and the /certs answer. The
/// signing cert can be rotated while the controller runs (<see cref="RotateSigning"/>); everything
/// that depends on it (the /certs answer, controllercert_confighash) is swapped in one step.</summary>
internal sealed class ControllerPki : IEnvelopeSigner, IDisposable
{
    private readonly Lock _rotateLock = new();
    private SigningState _state;

    /// <summary>The signing cert and everything derived from it, swapped as one.</summary>
    private sealed record SigningState(SigningIdentity Signer, ZControllerCert Certs, string ConfigHash, byte[] CertsSigned);

    private ControllerPki(PkiFiles files)
    {
        Files = files;
        Root = X509Certificate2.CreateFromPem(File.ReadAllText(files.RootCert));
        ServerTls = X509Certificate2.CreateFromPemFile(files.ServerCert, files.ServerKey);
        // Kestrel on Linux needs an exportable, non-ephemeral copy for SslStream.
        ServerTls = X509CertificateLoader.LoadPkcs12(ServerTls.Export(X509ContentType.Pkcs12), null);
        Ecdh = X509Certificate2.CreateFromPem(File.ReadAllText(files.EcdhCert));
        OnboardCert = X509Certificate2.CreateFromPem(File.ReadAllText(files.OnboardCert));
        EcdhPemText = CertHashes.TrimmedPem(Ecdh);
        _state = BuildState(SigningIdentity.Load(files));
    }

    public PkiFiles Files { get; }
    public X509Certificate2 Root { get; }
    public X509Certificate2 ServerTls { get; }
    public X509Certificate2 Ecdh { get; }
    public X509Certificate2 OnboardCert { get; }
    public byte[] EcdhPemText { get; }

    /// <summary>The current signing identity: take it once per envelope, so the hash and signature match.</summary>
    public SigningIdentity Signer => Volatile.Read(ref _state).Signer;

    public X509Certificate2 Signing => Signer.Cert;
    public byte[] SigningPemText => Signer.PemText;
    public ZControllerCert CertsMessage => Volatile.Read(ref _state).Certs;

    /// <summary>The signed /certs answer for the current signing cert.</summary>
    public byte[] CertsSigned => Volatile.Read(ref _state).CertsSigned;

    /// <summary>EdgeDevConfig.controllercert_confighash: changes whenever the signing or ECDH cert
    /// changes, so devices know to fetch /certs again.</summary>
    public string CertsConfigHash => Volatile.Read(ref _state).ConfigHash;

    /// <summary>Raised after a rotation, so cached signed answers (configs) are rebuilt.</summary>
    public event Action? SigningChanged;

    public ReadOnlyMemory<byte> SenderCertHash => Signer.SenderCertHash;
    public HashAlgorithm HashAlgo => HashAlgorithm.Sha25632Bytes;

    public byte[] SignDigest(ReadOnlySpan<byte> digest) => Signer.SignDigest(digest);

    /// <summary>Issues a new signing cert from the root CA, persists it and signs with it from now
    /// on. The previous identity is not disposed: an envelope being sealed with it may still be in flight.</summary>
    public SigningIdentity RotateSigning(TimeProvider time)
    {
        lock (_rotateLock)
        {
            SigningRotation.IssueNew(Files, time);
            var state = BuildState(SigningIdentity.Load(Files));
            Volatile.Write(ref _state, state);
        }
        SigningChanged?.Invoke();
        return Signer;
    }

    public static ControllerPki Load(string dataDir)
    {
        var files = PkiFiles.In(dataDir);
        if (!files.Exists)
            throw new FileNotFoundException($"no controller PKI in {files.Dir}: run `eve-appliance pki init --data-dir {dataDir} --server-name NAME`");
        return new ControllerPki(files);
    }

    private SigningState BuildState(SigningIdentity signer)
    {
        var certs = new ZControllerCert();
        certs.Certs.Add(Entry(signer.PemText, ZCertType.CertTypeControllerSigning));
        certs.Certs.Add(Entry(EcdhPemText, ZCertType.CertTypeControllerEcdhExchange));
        certs.Certs.Add(Entry(CertHashes.TrimmedPem(Root), ZCertType.CertTypeControllerIntermediate));
        var configHash = Base64Url(SHA256.HashData([.. signer.PemText, .. EcdhPemText]));
        return new SigningState(signer, certs, configHash, AuthContainers.Seal(certs, signer).ToByteArray());
    }

    private static ZCert Entry(byte[] pem, ZCertType type) => new()
    {
        HashAlgo = HashAlgorithm.Sha25616Bytes,
        CertHash = ByteString.CopyFrom(SHA256.HashData(pem).AsSpan(0, 16)),
        Type = type,
        Cert = ByteString.CopyFrom(pem),
    };

    internal static string Base64Url(byte[] hash) => Convert.ToBase64String(hash).Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        _state.Signer.Dispose();
        Root.Dispose();
        ServerTls.Dispose();
        Ecdh.Dispose();
        OnboardCert.Dispose();
    }
}
