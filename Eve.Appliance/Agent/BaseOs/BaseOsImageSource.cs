using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Agent.Content;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.BaseOs;

/// <summary>Turns BaseOS.content_tree_uuid into a download: the ContentTree (sha256, URL, datastore)
/// and its DatastoreConfig (fqdn + dpath). HTTP/HTTPS datastores give http(s)://fqdn/dpath/URL; an
/// air-gapped site names a local file, either as a ContentTree URL `file:///media/usb/rootfs.img`
/// or with a datastore whose fqdn is `file:///media/usb`.</summary>
internal static class BaseOsImageSource
{
    public static (DownloadRequest Request, X509Certificate2Collection? Cas, ContentTree Tree) Resolve(EdgeDevConfig cfg, string contentTreeUuid)
    {
        var tree = cfg.ContentInfo.FirstOrDefault(c => string.Equals(c.Uuid, contentTreeUuid, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"baseos names content tree {contentTreeUuid}, but the config has no such contentInfo entry");
        if (tree.Sha256 == "")
            throw new InvalidOperationException($"content tree {tree.Uuid} ({tree.DisplayName}) has no sha256; a base image must be verified before it is written");
        // Only an explicit file:// URL: on Unix "/eve/rootfs.img" also parses as an absolute file
        // URI, but in a content tree it is a path inside the datastore.
        if (tree.URL.StartsWith("file://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(tree.URL, UriKind.Absolute, out var direct))
            return (new DownloadRequest(direct, tree.Sha256), null, tree);
        var ds = cfg.Datastores.FirstOrDefault(d => d.Id == tree.DsId)
            ?? throw new InvalidOperationException($"content tree {tree.Uuid} names datastore {tree.DsId}, which the config does not have");
        string fqdn = ds.Fqdn.TrimEnd('/');
        if (!fqdn.Contains("://", StringComparison.Ordinal))
            fqdn = ds.DType switch
            {
                DsType.DsHttp => "http://" + fqdn,
                DsType.DsHttps => "https://" + fqdn,
                _ => throw new InvalidOperationException($"datastore {ds.Id} is {ds.DType}; base images come from HTTP(S) datastores or local files"),
            };
        var path = string.Join('/', new[] { ds.Dpath.Trim('/'), tree.URL.TrimStart('/') }.Where(p => p != ""));
        var uri = new Uri(fqdn + "/" + path);
        X509Certificate2Collection? cas = null;
        if (ds.DsCertPEM.Count > 0)
        {
            cas = [];
            foreach (var pem in ds.DsCertPEM) cas.ImportFromPem(pem.ToStringUtf8());
        }
        return (new DownloadRequest(uri, tree.Sha256), cas, tree);
    }
}
