using System.Net;
using Eve.Appliance.Tests.Support;
using Org.Lfedge.Eve.Auth;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Controller.Ops;

/// <summary>The real controller (HTTPS device API, admin socket, optional TLS operator listener)
/// with one onboarded device, and the operator API as the local admin.</summary>
internal sealed class OpsBed : IAsyncDisposable
{
    private readonly TempDir _dir;

    private OpsBed(TempDir dir, RunningController controller, TestDevice device, OpsHttp local, int? opsPort)
    {
        _dir = dir;
        Controller = controller;
        Device = device;
        Local = local;
        OpsPort = opsPort;
    }

    public RunningController Controller { get; }
    public TestDevice Device { get; }
    public OpsHttp Local { get; }
    public int? OpsPort { get; }
    public string DeviceId => Device.Id!;
    public string DataDir => _dir.Path;

    public static async Task<OpsBed> StartAsync(bool tls = false, bool lps = false)
    {
        var dir = new TempDir("ops");
        int? port = tls ? FreePort() : null;
        var controller = await RunningController.StartAsync(dir.Path, o => o with { OpsListen = port is { } p ? $"127.0.0.1:{p}" : null, LocalProfileListen = lps ? "127.0.0.1:0" : null });
        var device = new TestDevice(controller.Uri, controller.BootstrapDir, $"ops-{Guid.NewGuid():N}"[..16]);
        await device.OnboardAsync();
        return new OpsBed(dir, controller, device, OpsHttp.Socket(dir.Path), port);
    }

    /// <summary>The config the device gets when it polls, as a device would fetch it.</summary>
    public async Task<(EdgeDevConfig Config, string Hash)> PollAsync()
    {
        var (status, body, _) = await Device.PostAsync($"/api/v2/edgedevice/id/{DeviceId}/config", Device.Envelope(new ConfigRequest()));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var resp = ConfigResponse.Parser.ParseFrom(AuthContainer.Parser.ParseFrom(body).ProtectedPayload.Payload);
        return (resp.Config, resp.ConfigHash);
    }

    /// <summary>The device reports its capacity, as its device info does.</summary>
    public async Task ReportCapacityAsync(ulong memoryMb, uint cpus)
    {
        var (status, _, _) = await Device.PostAsync($"/api/v2/edgedevice/id/{DeviceId}/info",
            Device.Envelope(new ZInfoMsg { Ztype = ZInfoTypes.ZiDevice, DevId = DeviceId, Dinfo = new ZInfoDevice { Memory = memoryMb, Ncpu = cpus } }));
        Assert.That((int)status, Is.InRange(200, 204));
    }

    /// <summary>An image in the built-in datastore, a local network and an app using both.</summary>
    public async Task<(string Image, string Network, string App)> AppAsync(string name = "web", int memoryMb = 256, string subnet = "10.50.0.0/24")
    {
        var image = await Local.UploadAsync($"{name}-disk", [.. System.Text.Encoding.ASCII.GetBytes(name), 1, 2, 3, 4], "qcow2");
        var network = await Local.OkAsync(HttpMethod.Post, "api/ops/v1/networks", new { name = $"{name}-net", kind = "local", subnet, gateway = subnet.Replace("0/24", "1", StringComparison.Ordinal) });
        var app = await Local.OkAsync(HttpMethod.Post, "api/ops/v1/apps", new
        {
            name,
            memoryMb,
            cpus = 1,
            images = new[] { new { imageId = $"{name}-disk", target = "disk" } },
            interfaces = new[] { new { name = "eth0", networkId = $"{name}-net", acls = new[] { new { matches = new[] { new { type = "ip", value = "0.0.0.0/0" } }, action = "allow" } } } },
        });
        return (image["id"]!.GetValue<string>(), network["id"]!.GetValue<string>(), app["id"]!.GetValue<string>());
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Local.Dispose();
        Device.Dispose();
        await Controller.DisposeAsync();
        _dir.Dispose();
    }
}
