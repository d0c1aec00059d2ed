using System.Text;
using System.Text.Json.Nodes;
using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Tests.Platform.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;
using static Eve.Appliance.Tests.Agent.Networks.NetworkConfigs;

namespace Eve.Appliance.Tests.Agent.Networks;

/// <summary>EVE's metadata server, reached from an app namespace (standing in for a VM) at
/// 169.254.169.254 through the local instance's DNAT; the server is a Kestrel listener bound inside the
/// device namespace, and tells apps apart by their source address.</summary>
[TestFixture]
public sealed class MetadataServerTests
{
    private const string Ni = "1d1d0000-0000-4000-8000-00000000002d";
    private const string App = "a0000021-0000-4000-8000-000000000021";
    private const string Other = "a0000022-0000-4000-8000-000000000022";
    private const string Device = "6c6cb828-b0be-4166-9daf-ab353430dbc1";

    [Test]
    public async Task AppsGetTheirOwnIdentityAndUserData_FromTheDeviceNamespace()
    {
        await using var nat = await NatLab.CreateAsync();
        var n = NetnsLab.UniqueOctet();
        var ns = await nat.AddAppAsync("md");
        var otherNs = await nat.AddAppAsync("md2");
        var config = new EdgeDevConfig { DeviceName = "plant-7", ProjectName = "line-3" };
        config.NetworkInstances.Add(Local(Ni, $"10.96.{n}.0/24", "eth0"));
        config.Apps.Add(new AppInstanceConfig
        {
            Uuidandversion = new UUIDandVersion { Uuid = App, Version = "1" },
            Displayname = "web",
            MetaDataType = MetaDataType.MetaDataOpenStack,
            UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes("#cloud-config\nhostname: web\n")),
        });
        config.Apps.Add(new AppInstanceConfig { Uuidandversion = new UUIDandVersion { Uuid = Other, Version = "1" }, Displayname = "db" });
        var args = new NetworksArgs(config.NetworkInstances, [Nic(App, "web", Ni, [], ns), Nic(Other, "db", Ni, [], otherNs)], [nat.Eth0]);

        var status = await nat.NewReconciler().ReconcileAsync(args, default);
        Assert.That(status.Instance(Ni).Errors, Is.Empty);
        var directory = MetadataDirectory.Build(config, Device, status.Instances, _ => nat.DeviceIp);
        await using var servers = new MetadataServers(nat.Device, () => directory, NullLogger.Instance);
        await servers.SyncAsync(status.Instances, _ => true, default);
        Assert.That(servers.Running, Is.EqualTo(new[] { Ni }));
        var ip = await nat.Lab.DhcpAsync(ns, "eth0");
        await nat.Lab.DhcpAsync(otherNs, "eth0");

        var network = JsonNode.Parse((await nat.Lab.HttpGetAsync(ns, "http://169.254.169.254/eve/v1/network.json"))!)!;
        Assert.That(network["app-instance-uuid"]!.GetValue<string>(), Is.EqualTo(App));
        Assert.That(network["caller-ip"]!.GetValue<string>(), Does.StartWith(ip + ":"));
        Assert.That(network["external-ipv4"]!.GetValue<string>(), Is.EqualTo(nat.DeviceIp));
        Assert.That((network["device-uuid"]!.GetValue<string>(), network["device-name"]!.GetValue<string>()), Is.EqualTo((Device, "plant-7")));
        Assert.That(await nat.Lab.HttpGetAsync(ns, "http://169.254.169.254/eve/v1/external_ipv4"), Is.EqualTo(nat.DeviceIp + "\n"));
        Assert.That(await nat.Lab.HttpGetAsync(otherNs, "http://169.254.169.254/eve/v1/hostname"), Is.EqualTo(Other + "\n"), "by source address");
        Assert.That(await nat.Lab.HttpGetAsync(ns, "http://169.254.169.254/openstack/latest/user_data"), Is.EqualTo("#cloud-config\nhostname: web\n"));
        var meta = JsonNode.Parse((await nat.Lab.HttpGetAsync(ns, "http://169.254.169.254/openstack/latest/meta_data.json"))!)!;
        Assert.That(meta["uuid"]!.GetValue<string>(), Is.EqualTo(App));
        var refused = await nat.Lab.TryExecAsync(otherNs, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "2",
            "http://169.254.169.254/openstack/latest/user_data");
        Assert.That(refused.Stdout, Is.EqualTo("404"), "the other app did not ask for OpenStack metadata");

        await servers.SyncAsync([], _ => true, default);
        Assert.That(await nat.Lab.HttpGetAsync(ns, "http://169.254.169.254/eve/v1/hostname", 1), Is.Null, "stopped with its instance");
    }
}
