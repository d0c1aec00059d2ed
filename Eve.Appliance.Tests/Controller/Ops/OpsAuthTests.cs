using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Eve.Appliance.Tests.Controller.Ops;

/// <summary>Operator authentication on the TLS listener: tokens, password sessions, client
/// certificates, roles; every refusal answered 401/403 and audited.</summary>
[TestFixture]
public sealed class OpsAuthTests
{
    [Test]
    public async Task WithoutCredentials_TheTlsListenerAnswers401_AndTheDenialIsAudited()
    {
        await using var bed = await OpsBed.StartAsync(tls: true);
        using var anonymous = OpsHttp.Tls(bed.OpsPort!.Value);
        var (status, body) = await anonymous.GetAsync("api/ops/v1/apps");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(body!["error"]!.GetValue<string>(), Does.Contain("authentication required"));
        using var forged = OpsHttp.Tls(bed.OpsPort!.Value, "eva_000000000000_not-a-real-secret");
        Assert.That((await forged.GetAsync("api/ops/v1/apps")).Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        // The older /admin API has no authentication of its own: it is not reachable over TCP.
        Assert.That((await anonymous.GetAsync("admin/status")).Status, Is.EqualTo(HttpStatusCode.NotFound));
        var audit = (JsonArray)await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/audit?actor=anonymous");
        Assert.That(audit.Count(e => e!["status"]!.GetValue<int>() == 401), Is.EqualTo(2));
    }

    [Test]
    public async Task Roles_ViewerReads_OperatorChanges_AdminManagesTokens()
    {
        await using var bed = await OpsBed.StartAsync(tls: true);
        var first = bed.Controller.Server.Ops!.FirstStart!;
        using var admin = OpsHttp.Tls(bed.OpsPort!.Value, first.Token);
        var viewerToken = (await admin.OkAsync(HttpMethod.Post, "api/ops/v1/tokens", new { name = "wall-screen", role = "viewer" }))["token"]!.GetValue<string>();
        await admin.OkAsync(HttpMethod.Post, "api/ops/v1/operators", new { name = "tech", role = "operator", password = "correct horse battery" });

        await admin.OkAsync(HttpMethod.Post, "api/ops/v1/datastores", new { name = "registry", type = "https", fqdn = "registry.plant", password = "s3cret-pass" });
        using var viewer = OpsHttp.Tls(bed.OpsPort!.Value, viewerToken);
        Assert.That((await viewer.GetAsync("api/ops/v1/apps")).Status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await viewer.OkAsync(HttpMethod.Get, "api/ops/v1/datastores/registry"))["password"]!.GetValue<string>(), Is.EqualTo("(hidden)"), "viewers do not see secrets");
        Assert.That((await admin.OkAsync(HttpMethod.Get, "api/ops/v1/datastores/registry"))["password"]!.GetValue<string>(), Is.EqualTo("s3cret-pass"));
        var (denied, why) = await viewer.PostAsync("api/ops/v1/config-items", new { name = "timer.config.interval", value = "30" });
        Assert.That(denied, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(why!["error"]!.GetValue<string>(), Does.Contain("needs operator"));

        using var anonymous = OpsHttp.Tls(bed.OpsPort!.Value);
        var (badLogin, _) = await anonymous.PostAsync("api/ops/v1/login", new { name = "tech", password = "wrong horse" });
        Assert.That(badLogin, Is.EqualTo(HttpStatusCode.Unauthorized));
        var session = (await anonymous.OkAsync(HttpMethod.Post, "api/ops/v1/login", new { name = "tech", password = "correct horse battery" }))["token"]!.GetValue<string>();
        using var tech = OpsHttp.Tls(bed.OpsPort!.Value, session);
        await tech.OkAsync(HttpMethod.Post, "api/ops/v1/config-items", new { name = "timer.config.interval", value = "30" });
        Assert.That((await tech.PostAsync("api/ops/v1/tokens", new { name = "x", role = "viewer" })).Status, Is.EqualTo(HttpStatusCode.Forbidden), "only admins make tokens");

        var audit = (JsonArray)await admin.OkAsync(HttpMethod.Get, "api/ops/v1/audit");
        var created = audit.Single(e => e!["action"]!.GetValue<string>() == "create" && e["kind"]!.GetValue<string>() == "config-items")!;
        Assert.That(created["actor"]!.GetValue<string>(), Is.EqualTo("tech"));
        Assert.That(created["via"]!.GetValue<string>(), Is.EqualTo("session"));
        Assert.That(audit.Count(e => e!["status"]!.GetValue<int>() == 403), Is.EqualTo(2));
        Assert.That(audit.Any(e => e!["action"]!.GetValue<string>() == "login" && e["status"]!.GetValue<int>() == 401), Is.True);
    }

    [Test]
    public async Task FirstStartCredentials_AreStoredOnlyAsHashes_AndARegisteredClientCertLogsIn()
    {
        await using var bed = await OpsBed.StartAsync(tls: true);
        var first = bed.Controller.Server.Ops!.FirstStart!;
        // Everything the store holds on disk (data file and log), read beside the open database.
        var text = string.Concat(Directory.GetFiles(bed.DataDir, "controller*.db").Select(f =>
        {
            using var s = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var m = new MemoryStream();
            s.CopyTo(m);
            return System.Text.Encoding.ASCII.GetString(m.ToArray());
        }));
        Assert.That(text, Does.Contain("pbkdf2-sha256$210000$"), "the password hash is there");
        Assert.That(text, Does.Not.Contain(first.Password));
        Assert.That(text, Does.Not.Contain(first.Token[17..]));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=plant-operator", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        using var cert = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
        using (var withCert = OpsHttp.Tls(bed.OpsPort!.Value, clientCert: cert))
            Assert.That((await withCert.GetAsync("api/ops/v1/whoami")).Status, Is.EqualTo(HttpStatusCode.Unauthorized), "not registered yet");
        await bed.Local.OkAsync(HttpMethod.Post, "api/ops/v1/operators", new { name = "plant", role = "viewer" });
        await bed.Local.OkAsync(HttpMethod.Post, "api/ops/v1/operators/plant/certs", new { certPem = cert.ExportCertificatePem() });
        using var registered = OpsHttp.Tls(bed.OpsPort!.Value, clientCert: cert);
        var who = await registered.OkAsync(HttpMethod.Get, "api/ops/v1/whoami");
        Assert.That(who["name"]!.GetValue<string>(), Is.EqualTo("plant"));
        Assert.That(who["via"]!.GetValue<string>(), Is.EqualTo("client-cert"));
    }

    [Test]
    public async Task OpenApiDocument_DescribesEveryObjectKind()
    {
        await using var bed = await OpsBed.StartAsync();
        var doc = await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/openapi.json");
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var kind in new[] { "apps", "networks", "images", "datastores", "volumes", "port-configs", "config-items", "base-os", "profiles" })
        {
            Assert.That(paths, Does.Contain($"/api/ops/v1/{kind}"));
            Assert.That(paths, Does.Contain($"/api/ops/v1/{kind}/{{id}}"));
        }
        Assert.That(paths, Does.Contain("/api/ops/v1/devices/{id}/config/diff"));
        Assert.That(paths.Any(p => p.StartsWith("/admin", StringComparison.Ordinal)), Is.False);
    }
}
