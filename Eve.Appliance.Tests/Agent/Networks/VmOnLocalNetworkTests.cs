using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Cli;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Tests.Agent.Apps;
using Eve.Appliance.Tests.Platform.Net;
using Eve.Appliance.Tests.Support;
using Org.Lfedge.Eve.Config;
using static Eve.Appliance.Tests.Agent.Networks.NetworkConfigs;

namespace Eve.Appliance.Tests.Agent.Networks;

/// <summary>A real VM (the test guest under QEMU/TCG) on a real local NAT network instance, end to end
/// through the controller: its NIC is a tap on the instance's bridge in the device namespace, where QEMU
/// runs; it takes a DHCP lease from the instance's dnsmasq, reads its identity and user-data from the
/// metadata server, and fetches from an "upstream" namespace that has no route back to the app subnet, so
/// the answer proves masquerade. Its flows reach the controller's /flowlog; an agent restart adopts the VM
/// with its network undisturbed; an ACL drop then blocks the same fetch under the running VM.</summary>
[TestFixture]
public sealed partial class VmOnLocalNetworkTests
{
    private const string Ni = "1d1d0000-0000-4000-8000-00000000003d";
    private static readonly Guid AppId = Guid.Parse("8b3d3c0a-5c5e-4f90-9c77-2f7a2e3f4a31");

    [Test]
    public async Task Vm_LeasesFromTheLocalInstance_ReachesUpstreamThroughNat_IsAdoptedAfterRestart_AndAnAclDropBlocksIt()
    {
        await using var nat = await NatLab.CreateAsync();
        await nat.Lab.StartHttpdAsync(nat.Upstream, nat.UpstreamIp, 8080, "hello-from-upstream");
        NetworksSubsystem NewNetworks() => new(new NetworksOptions(nat.Device, nat.RunDir)
        {
            ObserveInterval = TimeSpan.FromMilliseconds(500),
            FlowLogInterval = TimeSpan.FromSeconds(1),
        }, [nat.Eth0], ProcessRunner.Default);
        var bed = await AppsTestBed.StartAsync("SN-vmnet", networks: NewNetworks);
        try
        {
            await RunAsync(bed, nat);
        }
        finally
        {
            await bed.DisposeAsync();
        }
    }

    private static async Task RunAsync(AppsTestBed bed, NatLab nat)
    {
        var subnet = $"10.95.{NetnsLab.UniqueOctet()}";
        var url = $"http://{nat.UpstreamIp}:8080/index.html";
        var guest = await AppsEndToEndTests.GuestAppAsync(bed, AppId, "vm-net");
        var allow = Ace("upstream-web", null, ("ip", nat.UpstreamIp), ("protocol", "tcp"), ("fport", "8080"));
        allow.Id = 7;
        await bed.SetConfigAsync(c =>
        {
            guest(c);
            c.NetworkInstances.Add(Local(Ni, $"{subnet}.0/24", "eth0", "vm-nat"));
            var app = c.Apps.Single(a => a.Uuidandversion.Uuid == AppId.ToString());
            app.Fixedresources.Extraargs = "console=ttyS0 quiet panic=-1 test.hold test.metadata";
            app.MetaDataType = MetaDataType.MetaDataOpenStack;
            app.UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes($"#cloud-config\ntest.fetch={url}\n"));
            var eth0 = new NetworkAdapter { Name = "eth0", NetworkId = Ni };
            eth0.Acls.Add(allow);
            app.Interfaces.Add(eth0);
        });

        IReadOnlyList<string> console = [];
        var lines = await Eventually.WaitAsync(async () =>
        {
            console = await bed.AppLogLinesAsync(AppId);
            return console.Any(x => x.Contains("EVE-TEST-FETCH: ok", StringComparison.Ordinal)) ? console : null;
        }, () => "the guest's fetch through NAT; console so far:\n" + string.Join('\n', console), 180);
        var dhcp = DhcpMarker().Match(lines.First(x => x.Contains("EVE-TEST-DHCP: eth0 ok", StringComparison.Ordinal)));
        var leased = dhcp.Groups["ip"].Value;
        TestContext.Out.WriteLine($"figure: guest boot → DHCP lease from the local instance at guest uptime {dhcp.Groups["up"].Value} s (TCG)");
        Assert.That(leased, Does.StartWith(subnet + "."));
        Assert.That(lines, Has.Some.EqualTo($"EVE-TEST-METADATA: hostname={AppId}"));
        Assert.That(lines, Has.Some.EqualTo($"EVE-TEST-FETCH: ok hello-from-upstream {url}"));

        // QEMU runs in the device namespace, on the tap the networks part made, with the deterministic MAC.
        var vm = bed.Apps.Worker(AppId)!.Vm!;
        Assert.That(await NetnsInodeAsync($"/proc/{vm.Pid}/ns/net"), Is.EqualTo(await NetnsInodeAsync($"/run/netns/{nat.Device}")));
        var vif = NetworkNames.Vif(AppId.ToString(), 0);
        var mac = NetworkNames.GeneratedMac(AppId.ToString(), 0);
        var link = await new Eve.Appliance.Platform.Net.IpLinkClient(nat.Lab.Runner).GetLinkAsync(vif, nat.Device, default);
        Assert.That(link?.Master, Is.EqualTo(NetworkNames.Bridge(Ni)));

        // The app's info carries its interface: MAC, vif and the address from the lease.
        var net = await Eventually.WaitAsync(async () =>
        {
            var n = (await bed.AppInfoAsync(AppId))?["network"]?.AsArray().SingleOrDefault();
            return n?["IPAddrs"]?.AsArray().Count > 0 ? n : null;
        }, "app info with the leased address", 60);
        Assert.That((net["macAddr"]!.GetValue<string>(), net["localName"]!.GetValue<string>(), net["devName"]!.GetValue<string>()),
            Is.EqualTo((mac, vif, "eth0")));
        Assert.That(net["IPAddrs"]!.AsArray().Single()!.GetValue<string>(), Is.EqualTo(leased));

        // Its finished connections reach the controller as flow records, attributed to the ACE that allowed them.
        var flow = await Eventually.WaitAsync(async () => (await FlowsAsync(bed)).FirstOrDefault(f =>
            f["flow"]?["dest"]?.GetValue<string>() == nat.UpstreamIp && f["flow"]?["destPort"]?.GetValue<int>() == 8080),
            "a flow record of the fetch at the controller", 60);
        Assert.That((flow["aclId"]?.GetValue<int>(), flow["aclName"]?.GetValue<string>()), Is.EqualTo(((int?)7, "upstream-web")));
        Assert.That(flow["rxBytes"]?.GetValue<string>() ?? "0", Is.Not.EqualTo("0"), "conntrack counts bytes");

        // An agent restart adopts the VM and the network under it: same QEMU, traffic goes on.
        var pid = vm.Pid;
        await bed.StopAgentAsync();
        await bed.StartAgentAsync("SN-vmnet");
        await Eventually.WaitAsync(() => Task.FromResult(bed.Apps.Worker(AppId)?.Vm is { IsRunning: true } v && v.Pid == pid), "VM adopted", 60);
        await Eventually.WaitAsync(() => Task.FromResult(bed.Networks!.LastStatus?.Instances.SingleOrDefault()?.Ready == true), "network adopted", 60);
        await Task.Delay(TimeSpan.FromSeconds(3)); // a few fetch rounds of the guest (it fetches every 2 s)
        Assert.That(await bed.AppLogLinesAsync(AppId), Has.None.StartWith("EVE-TEST-FETCH: fail"), "the restart did not disturb the VM's traffic");

        // The operator drops what was allowed: the running VM's next fetch fails, without a restart.
        var drop = Ace("no-upstream", new ACEAction { Drop = true }, ("ip", nat.UpstreamIp));
        await bed.SetConfigAsync(c =>
        {
            var acls = c.Apps.Single(a => a.Uuidandversion.Uuid == AppId.ToString()).Interfaces.Single().Acls;
            acls.Clear();
            acls.Add(drop);
        });
        await Eventually.WaitAsync(async () => (await bed.AppLogLinesAsync(AppId)).Any(x => x.StartsWith("EVE-TEST-FETCH: fail", StringComparison.Ordinal)),
            "the fetch blocked by the drop ACE", 90);
        Assert.That(bed.Apps.Worker(AppId)?.Vm?.Pid, Is.EqualTo(pid), "an ACL change does not restart the VM");
    }

    private static async Task<List<JsonNode>> FlowsAsync(AppsTestBed bed)
    {
        using var admin = new AdminClient(bed.Controller.DataDir);
        var all = (await admin.GetAsync($"admin/devices/{bed.DeviceId}/info"))!.AsArray();
        return [.. all.Where(i => i!["kind"]!.GetValue<string>() == "flowlog")
            .Select(i => i!["message"]!)
            .Where(m => m["scope"]?["uuid"]?.GetValue<string>() == AppId.ToString())
            .SelectMany(m => m["flows"]?.AsArray() ?? [])
            .OfType<JsonNode>()];
    }

    private static async Task<string> NetnsInodeAsync(string path) =>
        (await ProcessRunner.Default.RunAsync("stat", ["-L", "-c", "%i", path])).Stdout.Trim();

    [GeneratedRegex(@"ip=(?<ip>[0-9.]+)/\d+ gw=\S* uptime=(?<up>[0-9.]+)")]
    private static partial Regex DhcpMarker();
}
