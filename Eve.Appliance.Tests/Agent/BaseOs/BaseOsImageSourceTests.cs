using Eve.Appliance.Agent.BaseOs;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.BaseOs;

[TestFixture]
public sealed class BaseOsImageSourceTests
{
    private const string Sha = "0000000000000000000000000000000000000000000000000000000000000001";

    [TestCase(DsType.DsHttp, "ds.example.com:8080", "images/", "/eve/rootfs.img", "http://ds.example.com:8080/images/eve/rootfs.img")]
    [TestCase(DsType.DsHttps, "ds.example.com", "", "rootfs.img", "https://ds.example.com/rootfs.img")]
    [TestCase(DsType.DsHttp, "http://127.0.0.1:5000/", "a/b", "c.img", "http://127.0.0.1:5000/a/b/c.img")]
    [TestCase(DsType.DsUnknown, "file:///media/usb", "eve", "rootfs.img", "file:///media/usb/eve/rootfs.img")]
    public void Resolve_JoinsDatastoreAndContentTree(DsType type, string fqdn, string dpath, string url, string expected)
    {
        var (request, _, _) = BaseOsImageSource.Resolve(Config(type, fqdn, dpath, url), "ct-1");
        Assert.That(request.Source.AbsoluteUri, Is.EqualTo(expected));
        Assert.That(request.Sha256, Is.EqualTo(Sha));
    }

    [Test]
    public void Resolve_AbsoluteFileUrl_IsTheAirGappedImage()
    {
        var (request, _, _) = BaseOsImageSource.Resolve(Config(DsType.DsS3, "s3.example.com", "", "file:///media/usb/rootfs.img"), "ct-1");
        Assert.That(request.Source.LocalPath, Is.EqualTo("/media/usb/rootfs.img"));
    }

    [Test]
    public void Resolve_UnknownContentTree_OrUnsupportedDatastore_SaysWhich()
    {
        Assert.That(() => BaseOsImageSource.Resolve(Config(DsType.DsHttp, "h", "", "x"), "ct-2"),
            Throws.InvalidOperationException.With.Message.Contains("ct-2"));
        Assert.That(() => BaseOsImageSource.Resolve(Config(DsType.DsS3, "s3.example.com", "", "x"), "ct-1"),
            Throws.InvalidOperationException.With.Message.Contains("DsS3"));
    }

    private static EdgeDevConfig Config(DsType type, string fqdn, string dpath, string url)
    {
        var cfg = new EdgeDevConfig();
        cfg.Datastores.Add(new DatastoreConfig { Id = "ds-1", DType = type, Fqdn = fqdn, Dpath = dpath });
        cfg.ContentInfo.Add(new ContentTree { Uuid = "ct-1", DsId = "ds-1", URL = url, Sha256 = Sha, DisplayName = "eve" });
        return cfg;
    }
}
