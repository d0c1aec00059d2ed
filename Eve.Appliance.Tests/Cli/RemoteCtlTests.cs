using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Cli;
using Eve.Appliance.Controller.Pki;
using Eve.Appliance.Tests.Controller.Ops;

namespace Eve.Appliance.Tests.Cli;

/// <summary>`ctl --server https://… --token …` against a real controller's TLS operator listener:
/// the ops verbs work remotely with the controller's CA pinned; refusals read as what to do.</summary>
[TestFixture]
public sealed class RemoteCtlTests
{
    [Test]
    public async Task OpsVerbs_WorkOverTheTlsListener_WithTokenAndPinnedCa()
    {
        await using var bed = await OpsBed.StartAsync(tls: true);
        var server = $"https://127.0.0.1:{bed.OpsPort}";
        var token = bed.Controller.Server.Ops!.FirstStart!.Token;
        var ca = PkiFiles.In(bed.DataDir).RootCert;
        var file = Path.Combine(bed.DataDir, "ds.json");
        await File.WriteAllTextAsync(file, """{"name":"registry","type":"https","fqdn":"registry.plant"}""");
        string[] remote = ["--server", server, "--token", token, "--ca", ca];

        var created = await Ctl([.. remote, "datastore", "create", file]);
        Assert.That(created.Exit, Is.EqualTo(ExitCode.Ok), created.Err);
        Assert.That(created.Out, Does.StartWith("created datastore 'registry'"));
        Assert.That((await Ctl([.. remote, "datastore", "list"])).Out, Does.Contain("registry.plant"));
        var minted = await Ctl([.. remote, "token", "create", "ci", "--role", "viewer", "--json"]);
        Assert.That(minted.Out, Does.Contain("\"role\": \"viewer\""), minted.Err);
        var audit = await Ctl([.. remote, "audit", "--kind", "datastores"]);
        Assert.That(audit.Out, Does.Contain("registry").And.Contain("token "), "the change is audited as made with the token");

        // --data-dir beside --server: its CA is the default pin.
        var withDataDir = await Ctl(["--server", server, "--token", token, "--data-dir", bed.DataDir, "operator", "list"]);
        Assert.That(withDataDir.Exit, Is.EqualTo(ExitCode.Ok), withDataDir.Err);
        Assert.That(withDataDir.Out, Does.Contain("admin"));

        var local = await Ctl([.. remote, "devices"]);
        Assert.That(local.Exit, Is.EqualTo(ExitCode.Usage));
        Assert.That(local.Err, Does.Contain("local admin API").And.Contain("--data-dir"));
    }

    [Test]
    public async Task Refusals_SayWhatFailedAndWhatToDo()
    {
        await using var bed = await OpsBed.StartAsync(tls: true);
        var server = $"https://127.0.0.1:{bed.OpsPort}";
        var ca = PkiFiles.In(bed.DataDir).RootCert;
        var admin = bed.Controller.Server.Ops!.FirstStart!.Token;
        using var adminHttp = OpsHttp.Tls(bed.OpsPort!.Value, admin);
        var viewer = (await adminHttp.OkAsync(HttpMethod.Post, "api/ops/v1/tokens", new { name = "wall", role = "viewer" }))["token"]!.GetValue<string>();
        var file = Path.Combine(bed.DataDir, "item.json");
        await File.WriteAllTextAsync(file, """{"name":"timer.config.interval","value":"30"}""");

        var wrongToken = await Ctl(["--server", server, "--token", "eva_000000000000_forged", "--ca", ca, "app", "list"]);
        Assert.That(wrongToken.Exit, Is.EqualTo(ExitCode.Failure));
        Assert.That(wrongToken.Err, Does.Contain("(401)").And.Contain("unknown, revoked or expired").And.Contain("check --token"));

        var tooLow = await Ctl(["--server", server, "--token", viewer, "--ca", ca, "config-item", "create", file]);
        Assert.That(tooLow.Exit, Is.EqualTo(ExitCode.Failure));
        Assert.That(tooLow.Err, Does.Contain("(403)").And.Contain("needs operator").And.Contain("role is too low"));

        var otherCa = Path.Combine(bed.DataDir, "other-ca.pem");
        await File.WriteAllTextAsync(otherCa, SelfSignedCaPem());
        var wrongCa = await Ctl(["--server", server, "--token", admin, "--ca", otherCa, "app", "list"]);
        Assert.That(wrongCa.Exit, Is.EqualTo(ExitCode.Failure));
        Assert.That(wrongCa.Err, Does.Contain($"TLS to {server} refused").And.Contain("does not chain to the CA pinned"));

        var unpinned = await Ctl(["--server", server, "--token", admin, "app", "list"]);
        Assert.That(unpinned.Err, Does.Contain("not trusted by this system").And.Contain("--ca"));

        var closed = FreePort();
        var nobody = await Ctl(["--server", $"https://127.0.0.1:{closed}", "--token", admin, "--ca", ca, "app", "list"]);
        Assert.That(nobody.Err, Does.Contain("connection refused").And.Contain("--ops-listen"));

        var plain = await Ctl(["--server", $"http://127.0.0.1:{bed.OpsPort}", "--token", admin, "app", "list"]);
        Assert.That(plain.Err, Does.Contain("must be https://"));
    }

    [Test]
    public void Environment_GivesServerTokenAndCa_WhenNoOptionDoes()
    {
        var env = new Dictionary<string, string> { ["EVE_OPS_SERVER"] = "https://ctl.plant:9443", ["EVE_OPS_TOKEN"] = "eva_x" };
        using (var client = CtlConnection.Open(new Args(["ctl", "app", "list"]), k => env.GetValueOrDefault(k)))
            Assert.That(client.Remote, Is.EqualTo(new Uri("https://ctl.plant:9443")));
        env.Remove("EVE_OPS_TOKEN");
        var e = Assert.Throws<UsageException>(() => CtlConnection.Open(new Args(["ctl", "app", "list"]), k => env.GetValueOrDefault(k)));
        Assert.That(e!.Message, Does.Contain("EVE_OPS_TOKEN"));
        var none = Assert.Throws<UsageException>(() => CtlConnection.Open(new Args(["ctl", "app", "list"]), _ => null));
        Assert.That(none!.Message, Does.Contain("--data-dir").And.Contain("--server"));
    }

    private static string SelfSignedCaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var req = new CertificateRequest("CN=someone else's CA", key, HashAlgorithmName.SHA256);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return cert.ExportCertificatePem();
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task<(ExitCode Exit, string Out, string Err)> Ctl(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CommandDispatcher.RunAsync(["ctl", .. args], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
