using Eve.Appliance.Controller.Pki;

namespace Eve.Appliance.Cli;

/// <summary>
/// Which controller `ctl` talks to: <c>--server https://HOST:PORT --token T [--ca FILE]</c> (the TLS
/// operator listener, from anywhere), else <c>--data-dir DIR</c> (the local admin socket, on the
/// controller's host), else <c>EVE_OPS_SERVER</c> + <c>EVE_OPS_TOKEN</c> (+ <c>EVE_OPS_CA</c>). The CA to
/// pin defaults to DIR/pki/root-ca.cert.pem when --data-dir is given beside --server.
/// </summary>
internal static class CtlConnection
{
    public const string Usage = """
        ctl --data-dir DIR <command> [--json]                  on the controller's host (local admin socket)
        ctl --server https://HOST:PORT --token T [--ca FILE] <command> [--json]
                                                                over the TLS operator listener (--ops-listen);
                                                                also EVE_OPS_SERVER, EVE_OPS_TOKEN, EVE_OPS_CA;
                                                                --ca: the controller's DATA/pki/root-ca.cert.pem
                                                                (default with --data-dir); operator API verbs only
        """;

    public static AdminClient Open(Args args) => Open(args, Environment.GetEnvironmentVariable);

    public static AdminClient Open(Args args, Func<string, string?> env)
    {
        var server = args.Get("server");
        var dataDir = args.Get("data-dir") is { } d ? Path.GetFullPath(d) : null;
        if (server == null && dataDir == null) server = Empty(env("EVE_OPS_SERVER"));
        if (server == null)
        {
            if (args.Get("token") != null || args.Get("ca") != null) throw new UsageException("--token and --ca go with --server https://HOST:PORT");
            return new AdminClient(dataDir ?? throw new UsageException("ctl needs --data-dir DIR (on the controller's host) or --server https://HOST:PORT --token T (or EVE_OPS_SERVER and EVE_OPS_TOKEN)"));
        }
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri))
            throw new UsageException($"--server '{server}': expected https://HOST:PORT");
        var token = args.Get("token") ?? Empty(env("EVE_OPS_TOKEN"))
            ?? throw new UsageException($"--server {server} needs --token T or EVE_OPS_TOKEN (an API token: `ctl token create NAME --role operator` on the controller, or POST /api/ops/v1/login)");
        var ca = args.Get("ca") ?? Empty(env("EVE_OPS_CA")) ?? (dataDir != null ? PkiFiles.In(dataDir).RootCert : null);
        if (ca != null && !File.Exists(ca)) throw new FileNotFoundException($"--ca {ca}: no such file (the controller's CA is DATA/pki/root-ca.cert.pem on its host)");
        return AdminClient.Connect(uri, token, ca);
    }

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
