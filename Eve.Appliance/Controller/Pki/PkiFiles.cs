namespace Eve.Appliance.Controller.Pki;

/// <summary>Where the controller keeps its PKI under the data folder.</summary>
internal sealed record PkiFiles(string Dir)
{
    public static PkiFiles In(string dataDir) => new(Path.Combine(dataDir, "pki"));

    public string RootCert => Path.Combine(Dir, "root-ca.cert.pem");
    public string RootKey => Path.Combine(Dir, "root-ca.key.pem");
    public string ServerCert => Path.Combine(Dir, "server.cert.pem");
    public string ServerKey => Path.Combine(Dir, "server.key.pem");
    public string SigningCert => Path.Combine(Dir, "signing.cert.pem");
    public string SigningKey => Path.Combine(Dir, "signing.key.pem");
    public string EcdhCert => Path.Combine(Dir, "ecdh.cert.pem");
    public string EcdhKey => Path.Combine(Dir, "ecdh.key.pem");
    public string OnboardCert => Path.Combine(Dir, "onboard.cert.pem");
    public string OnboardKey => Path.Combine(Dir, "onboard.key.pem");
    public string ServerNameFile => Path.Combine(Dir, "server-name");

    public bool Exists => File.Exists(RootCert) && File.Exists(ServerCert) && File.Exists(SigningCert)
                          && File.Exists(EcdhCert) && File.Exists(OnboardCert);
}
