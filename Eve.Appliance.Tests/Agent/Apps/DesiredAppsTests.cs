using Eve.Appliance.Agent.Apps;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Apps;

[TestFixture]
public sealed class DesiredAppsTests
{
    private const string Ds = "00000000-0000-4000-8000-0000000000d1";
    private const string Ct = "00000000-0000-4000-8000-0000000000c1";
    private const string Vol = "00000000-0000-4000-8000-0000000000a1";
    private const string Blank = "00000000-0000-4000-8000-0000000000a2";
    private const string App = "00000000-0000-4000-8000-0000000000e1";
    private static readonly string Sha = new('a', 64);

    private static EdgeDevConfig Config(DatastoreConfig ds, string url = "")
    {
        var c = new EdgeDevConfig();
        c.Datastores.Add(ds);
        c.ContentInfo.Add(AppConfigs.Content(Ct, Ds, url == "" ? Sha : url, Sha, Format.Qcow2, "disk"));
        c.Volumes.Add(AppConfigs.DownloadVolume(Vol, Ct, Target.TgtUnknown, 1 << 30, "root"));
        c.Volumes.Add(new Volume { Uuid = Blank, Origin = new VolumeContentOrigin { Type = VolumeContentOriginType.VcotBlank }, Maxsizebytes = 1 << 20 });
        var app = AppConfigs.App(App, "web", 512 * 1024, "console=ttyS0", true, Vol, Blank);
        app.Restart.Counter = 3;
        app.Purge.Counter = 2;
        app.StartDelayInSeconds = 5;
        app.Fixedresources.Vcpus = 2;
        app.Fixedresources.EnableVnc = true;
        app.Fixedresources.VncDisplay = 3;
        app.Interfaces.Add(new NetworkAdapter { Name = "eth0", MacAddress = "" });
        c.Apps.Add(app);
        return c;
    }

    [TestCase(null, "127.0.0.1")]
    [TestCase("false", "127.0.0.1")]
    [TestCase("true", "0.0.0.0")]
    public void Vnc_ListensOnLoopback_UnlessAppAllowVncIsTrue(string? item, string address)
    {
        var c = Config(AppConfigs.Datastore(Ds, DsType.DsHttps, "https://127.0.0.1:8443", "api/v2/ext/images"));
        if (item != null) c.ConfigItems.Add(new ConfigItem { Key = "app.allow.vnc", Value = item });
        var a = DesiredApps.Compute(c).Apps.Single();
        Assert.That(a.VncListenAddress, Is.EqualTo(address));
        var loopback = DesiredApps.Compute(Config(AppConfigs.Datastore(Ds, DsType.DsHttps, "https://127.0.0.1:8443", "api/v2/ext/images"))).Apps.Single();
        Assert.That(a.DomainFingerprint == loopback.DomainFingerprint, Is.EqualTo(address == "127.0.0.1"), "a new VNC address rebuilds the domain");
    }

    [Test]
    public void BuiltInDatastore_ResolvesToTheControllerUrl_WithEveryAppSetting()
    {
        var r = DesiredApps.Compute(Config(AppConfigs.Datastore(Ds, DsType.DsHttps, "https://127.0.0.1:8443", "api/v2/ext/images")));
        Assert.That(r.Problems, Is.Empty);
        var a = r.Apps.Single();
        Assert.That(a.Id, Is.EqualTo(Guid.Parse(App)));
        Assert.That((a.Name, a.Vcpus, a.MemoryKiB, a.RestartCounter, a.PurgeCounter, a.StartDelay, a.EnableVnc, a.VncDisplay, a.KernelArgs),
            Is.EqualTo(("web", 2, 512L * 1024, 3u, 2u, TimeSpan.FromSeconds(5), true, 3, "console=ttyS0")));
        Assert.That(a.Volumes[0].Content!.Source, Is.EqualTo(new Uri($"https://127.0.0.1:8443/api/v2/ext/images/{Sha}")));
        Assert.That(a.Volumes[0].Target, Is.EqualTo(Target.Disk), "unknown target means disk");
        Assert.That(a.Volumes[0].MaxSizeBytes, Is.EqualTo(1L << 30));
        Assert.That(a.Volumes[1].Content, Is.Null, "blank volume");
        Assert.That(a.Interfaces.Single().Name, Is.EqualTo("eth0"));
    }

    [TestCase(DsType.DsHttp, "files.example:8080", "/images/", "http://files.example:8080/images/disk.qcow2")]
    [TestCase(DsType.DsHttps, "files.example", "", "https://files.example/disk.qcow2")]
    [TestCase(DsType.DsHttp, "http://files.example", "a/b", "http://files.example/a/b/disk.qcow2")]
    public void HttpDatastores_JoinFqdnDpathAndUrl(DsType type, string fqdn, string dpath, string expected)
    {
        var r = DesiredApps.Compute(Config(AppConfigs.Datastore(Ds, type, fqdn, dpath), "disk.qcow2"));
        Assert.That(r.Apps.Single().Volumes[0].Content!.Source, Is.EqualTo(new Uri(expected)));
    }

    [Test]
    public void DatastoreApiKeyAndPassword_BecomeBasicCredentials()
    {
        var ds = AppConfigs.Datastore(Ds, DsType.DsHttps, "files.example", "");
        ds.ApiKey = "user";
        ds.Password = "secret";
        var c = DesiredApps.Compute(Config(ds)).Apps.Single().Volumes[0].Content!;
        Assert.That((c.Credentials?.UserName, c.Credentials?.Password), Is.EqualTo(("user", "secret")));
        Assert.That(DesiredApps.Compute(Config(AppConfigs.Datastore(Ds, DsType.DsHttps, "h", ""))).Apps[0].Volumes[0].Content!.Credentials, Is.Null);
    }

    [TestCase("library/alpine:3.20", "library/alpine", "3.20")]
    [TestCase("library/alpine", "library/alpine", "latest")]
    [TestCase("vm/disk@sha256:abc", "vm/disk", "sha256:abc")]
    public void RegistryDatastore_SplitsRepositoryAndReference(string url, string repo, string reference)
    {
        var r = DesiredApps.Compute(Config(AppConfigs.Datastore(Ds, DsType.DsContainerRegistry, "registry.example:5000", ""), url));
        var c = r.Apps.Single().Volumes[0].Content!;
        Assert.That((c.Source.ToString(), c.OciRepository, c.OciReference), Is.EqualTo(("https://registry.example:5000/", repo, reference)));
    }

    [Test]
    public void UnsupportedDatastoreAndMissingVolume_AreProblemsOfTheApp_WhichIsStillListed()
    {
        var c = Config(AppConfigs.Datastore(Ds, DsType.DsS3, "s3.example", "bucket"));
        c.Apps[0].VolumeRefList.Add(new VolumeRef { Uuid = "00000000-0000-4000-8000-0000000000ff" });
        var r = DesiredApps.Compute(c);
        Assert.That(r.Apps.Select(a => a.Id), Is.EqualTo(new[] { Guid.Parse(App) }));
        Assert.That(r.Problems[Guid.Parse(App)], Does.Contain("DsS3 is not supported").And.Contain("0000000000ff is not in the config's volumes"));
    }

    [Test]
    public void DomainFingerprint_ChangesWithResourcesButNotWithCounters()
    {
        var ds = AppConfigs.Datastore(Ds, DsType.DsHttps, "h", "p");
        var a = DesiredApps.Compute(Config(ds)).Apps[0];
        var counters = Config(ds);
        counters.Apps[0].Restart.Counter = 9;
        counters.Apps[0].Purge.Counter = 9;
        var memory = Config(ds);
        memory.Apps[0].Fixedresources.Memory = 1024 * 1024;
        Assert.That(DesiredApps.Compute(counters).Apps[0].DomainFingerprint, Is.EqualTo(a.DomainFingerprint));
        Assert.That(DesiredApps.Compute(memory).Apps[0].DomainFingerprint, Is.Not.EqualTo(a.DomainFingerprint));
    }
}
