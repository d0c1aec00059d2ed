using System.Globalization;
using Eve.Appliance.Controller.Configs;
using Eve.Appliance.Controller.Images;
using Eve.Appliance.Controller.Objects.Model;
using Google.Protobuf;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Controller.Objects;

/// <summary>
/// Composes a device's EdgeDevConfig from its objects. Pure and deterministic: every list is
/// ordered by id (config items by key), derived ids come from their owners (<see cref="DerivedId"/>)
/// and nothing reads the clock, so the same objects give the same bytes and the same
/// <see cref="ContentHash"/>.
/// </summary>
internal static class ConfigCompiler
{
    /// <summary>The built-in datastore's id in every compiled config.</summary>
    public const string BuiltInDatastoreId = "e7e0b1d5-0000-4000-8000-000000000001";

    public static EdgeDevConfig Compile(DeviceFacts device, ExpandedAssignment x, string controllerServer, ControllerOptions options)
    {
        var config = x.PortConfig == null ? DefaultDeviceConfig.For(device.Id, options) : Ports(device.Id, x.PortConfig);
        config.Id = new UUIDandVersion { Uuid = device.Id };
        config.DeviceName = device.Name;
        ConfigItems(config, x, options);
        Images(config, x.Images, controllerServer);
        Datastores(config, x.Datastores);
        foreach (var v in x.Volumes) config.Volumes.Add(AppCompiler.Volume(v, x.Images));
        foreach (var a in x.Apps)
        {
            foreach (var v in AppCompiler.ImageVolumes(a, x.Images)) config.Volumes.Add(v);
            config.Apps.Add(AppCompiler.App(a, x.Images));
        }
        Sort(config.Volumes, v => v.Uuid);
        foreach (var n in x.Networks) config.NetworkInstances.Add(NetworkInstance(n, x.PortConfig));
        if (x.BaseOs is { } b) config.Baseos = new BaseOS { ContentTreeUuid = b.ImageId, Activate = b.Activate, BaseOsVersion = b.Version };
        if (x.RebootCounter > 0) config.Reboot = new DeviceOpsCmd { Counter = (uint)x.RebootCounter };
        config.GlobalProfile = x.GlobalProfile ?? "";
        config.LocalProfileServer = x.LocalProfileServer ?? "";
        config.ProfileServerToken = x.ProfileServerToken ?? "";
        return config;
    }

    /// <summary>base64url SHA-256 of the config without id.version: equal for equal objects.</summary>
    public static string ContentHash(EdgeDevConfig config)
    {
        var copy = config.Clone();
        if (copy.Id != null) copy.Id.Version = "";
        copy.ControllercertConfighash = "";
        return ConfigService.HashOf(copy.ToByteArray());
    }

    private static EdgeDevConfig Ports(string deviceId, PortConfigObject pc)
    {
        var config = new EdgeDevConfig();
        foreach (var port in pc.Ports)
        {
            var networkId = DerivedId.Of(pc.Id, "port", port.Label);
            var ip = new ipspec { Dhcp = port.Addressing == "static" ? DHCPType.Static : DHCPType.Client };
            if (port.Addressing == "static" && port.Address?.Split('/') is [var addr, var len] && int.TryParse(len, out var prefix))
            {
                ip.Subnet = $"{PortRules.Mask(System.Net.IPAddress.Parse(addr), prefix)}/{prefix}";
                ip.Gateway = port.Gateway ?? "";
            }
            ip.Dns.AddRange(port.Dns);
            config.Networks.Add(new NetworkConfig { Id = networkId, Type = NetworkType.V4, Ip = ip });
            config.DeviceIoList.Add(new PhysicalIO
            {
                Ptype = PhyIoType.PhyIoNetEth,
                Phylabel = port.Label,
                Logicallabel = port.Label,
                Usage = port.Usage switch { "mgmt" => PhyIoMemberUsage.PhyIoUsageMgmtOnly, "apps" => PhyIoMemberUsage.PhyIoUsageShared, _ => PhyIoMemberUsage.PhyIoUsageMgmtAndApps },
                Phyaddrs = { ["ifname"] = port.IfName },
            });
            config.SystemAdapterList.Add(new SystemAdapter
            {
                Name = port.Label,
                Uplink = port.Usage != "apps",
                NetworkUUID = networkId,
                Addr = port.Addressing == "static" ? port.Address!.Split('/')[0] : "",
                Cost = (uint)port.Cost,
                AllowLocalModifications = port.AllowLocalModifications,
            });
            // Management ports share the "uplink" label network instances can name.
            if (port.Usage != "apps") config.SystemAdapterList[^1].SharedLabels.Add("uplink");
        }
        _ = deviceId;
        return config;
    }

    private static void ConfigItems(EdgeDevConfig config, ExpandedAssignment x, ControllerOptions options)
    {
        var items = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["timer.config.interval"] = options.DefaultConfigIntervalSeconds.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in options.DefaultConfigItems) items[k] = v;
        foreach (var item in x.ConfigItems) items[item.Name] = item.Value;
        config.ConfigItems.Clear();
        foreach (var (k, v) in items) config.ConfigItems.Add(new ConfigItem { Key = k, Value = v });
    }

    private static void Images(EdgeDevConfig config, IReadOnlyList<ImageObject> images, string controllerServer)
    {
        if (images.Any(i => i.DatastoreId == null))
            config.Datastores.Add(new DatastoreConfig { Id = BuiltInDatastoreId, DType = DsType.DsHttps, Fqdn = $"https://{controllerServer}", Dpath = ImageStore.UrlPath });
        foreach (var image in images)
            config.ContentInfo.Add(new ContentTree
            {
                Uuid = image.Id,
                DsId = image.DatastoreId ?? BuiltInDatastoreId,
                URL = image.DatastoreId == null ? image.Sha256 : image.RelativeUrl ?? "",
                Iformat = image.Format switch { "raw" => Format.Raw, "iso" => Format.Iso, "vhdx" => Format.Vhdx, "container" => Format.Container, _ => Format.Qcow2 },
                Sha256 = image.Sha256,
                MaxSizeBytes = (ulong)image.SizeBytes,
                DisplayName = image.Name,
            });
    }

    private static void Datastores(EdgeDevConfig config, IEnumerable<DatastoreObject> used)
    {
        foreach (var d in used.OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            var ds = new DatastoreConfig
            {
                Id = d.Id,
                DType = d.Type switch { "http" => DsType.DsHttp, "container-registry" => DsType.DsContainerRegistry, _ => DsType.DsHttps },
                Fqdn = d.Fqdn,
                Dpath = d.Path,
                ApiKey = d.ApiKey ?? "",
                Password = d.Password ?? "",
            };
            if (d.CaCertPem is { Length: > 0 } pem) ds.DsCertPEM.Add(ByteString.CopyFromUtf8(pem));
            config.Datastores.Add(ds);
        }
        Sort(config.Datastores, d => d.Id);
    }

    private static NetworkInstanceConfig NetworkInstance(NetworkObject n, PortConfigObject? ports)
    {
        var ni = new NetworkInstanceConfig
        {
            Uuidandversion = new UUIDandVersion { Uuid = n.Id, Version = n.Revision.ToString(CultureInfo.InvariantCulture) },
            Displayname = n.Name,
            InstType = n.Kind == "switch" ? ZNetworkInstType.ZnetInstSwitch : ZNetworkInstType.ZnetInstLocal,
            Activate = true,
            IpType = AddressType.Ipv4,
            Mtu = (uint)n.Mtu,
        };
        if (n.Port is { Length: > 0 } port) ni.Port = new Adapter { Type = PhyIoType.PhyIoNetEth, Name = port };
        if (n.Kind == "local" && n.Subnet != null)
        {
            ni.Ip = new ipspec { Subnet = n.Subnet, Gateway = n.Gateway ?? "" };
            ni.Ip.Dns.AddRange(n.Dns);
            if (n.DhcpStart != null) ni.Ip.DhcpRange = new ipRange { Start = n.DhcpStart, End = n.DhcpEnd ?? "" };
        }
        _ = ports;
        return ni;
    }

    private static void Sort<T>(Google.Protobuf.Collections.RepeatedField<T> list, Func<T, string> key)
    {
        var sorted = list.OrderBy(key, StringComparer.Ordinal).ToList();
        list.Clear();
        list.AddRange(sorted);
    }
}
