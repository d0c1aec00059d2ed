using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Tests.Platform.Net;

namespace Eve.Appliance.Tests.Agent.Networks;

/// <summary>A "device" namespace whose eth0 reaches an "upstream" namespace (10.98.N.0/24, upstream .1,
/// device .2, default route via upstream) and app namespaces standing in for VMs. Upstream has no route to
/// the app subnets, so any answer an app gets from upstream proves masquerade. Disposal stops every dnsmasq
/// the reconciler started (by the pid it recorded), then removes namespaces and files.</summary>
internal sealed class NatLab : IAsyncDisposable
{
    private NatLab(NetnsLab lab, string device, string upstream, int octet)
    {
        Lab = lab;
        Device = device;
        Upstream = upstream;
        Octet = octet;
        RunDir = Path.Combine(lab.Dir, "run");
        Supervisor = new DnsmasqSupervisor(lab.Runner, RunDir);
    }

    public NetnsLab Lab { get; }
    public string Device { get; }
    public string Upstream { get; }
    public int Octet { get; }
    public string RunDir { get; }
    public DnsmasqSupervisor Supervisor { get; }
    public string UpstreamIp => $"10.98.{Octet}.1";
    public string DeviceIp => $"10.98.{Octet}.2";
    public DevicePort Eth0 => new("eth0", "eth0");

    public static async Task<NatLab> CreateAsync()
    {
        var lab = new NetnsLab();
        try
        {
            var octet = NetnsLab.UniqueOctet();
            var dev = await lab.AddNetnsAsync("dev");
            var up = await lab.AddNetnsAsync("up");
            await lab.LinkAsync(dev, "eth0", $"10.98.{octet}.2/24", up, "up0", $"10.98.{octet}.1/24");
            await lab.ExecAsync(dev, "ip", "route", "add", "default", "via", $"10.98.{octet}.1");
            return new NatLab(lab, dev, up, octet);
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    public NetworksReconciler NewReconciler() => NetworksReconciler.Create(new NetworksOptions(Device, RunDir), Lab.Runner);

    public Task<string> AddAppAsync(string role) => Lab.AddNetnsAsync(role);

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Supervisor.ListInstances())
            await Supervisor.StopAsync(instance, default);
        await Lab.DisposeAsync();
    }
}
