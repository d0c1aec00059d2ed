using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Controller.Objects.Model;
using Eve.Appliance.Controller.Ops;
using Eve.Appliance.Store;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Controller.Console;

/// <summary>
/// The real controller in-process with its TLS operator listener and a fleet in its store:
/// <see cref="Devices"/> registered devices (each reporting ONLINE and a base-OS version) and
/// <see cref="Apps"/> apps, ten per device, each reported RUNNING. Objects and assignments go through
/// the object service (validated, compiled, versioned) as the API would make them.
/// </summary>
internal sealed class ConsoleFleet : IAsyncDisposable
{
    public const int Devices = 50;
    public const int Apps = 500;
    private readonly TempDir _dir;

    private ConsoleFleet(TempDir dir, RunningController controller, int port)
    {
        _dir = dir;
        Controller = controller;
        OpsPort = port;
    }

    public RunningController Controller { get; }
    public int OpsPort { get; }
    public string BaseUrl => $"https://127.0.0.1:{OpsPort}";
    public string Operator => Controller.Server.Ops!.FirstStart!.Operator;
    public string Password => Controller.Server.Ops!.FirstStart!.Password;
    public string Token => Controller.Server.Ops!.FirstStart!.Token;

    public static async Task<ConsoleFleet> StartAsync()
    {
        var dir = new TempDir("console-fleet");
        var port = ApplianceProcess.FreePort();
        var controller = await RunningController.StartAsync(dir.Path, o => o with { OpsListen = $"127.0.0.1:{port}" });
        var fleet = new ConsoleFleet(dir, controller, port);
        try
        {
            await fleet.FillAsync();
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    private async Task FillAsync()
    {
        var ops = Controller.Server.Ops!;
        var who = new OperatorIdentity("fleet-fill", Roles.Admin, "test");
        var file = _dir.Sub("disk.img");
        await File.WriteAllBytesAsync(file, RandomNumberGenerator.GetBytes(4096));
        var record = await ops.Images.AddAsync(file);
        var image = ops.Service.Create(new ImageObject { Name = "fleet-disk", Sha256 = record.Sha256, SizeBytes = record.Size, Format = "raw" }, who);
        var apps = Enumerable.Range(0, Apps).Select(i => ops.Service.Create(new AppObject
        {
            Name = $"app-{i:D3}",
            Images = [new AppImageRef { ImageId = image.Id, Target = "disk" }],
        }, who)).ToList();
        var store = ops.Objects.Store;
        var now = DateTime.UtcNow;
        for (var d = 0; d < Devices; d++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var cert = new CertificateRequest($"CN=fleet-{d:D2}", key, HashAlgorithmName.SHA256).CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
            var (doc, _) = ops.Devices.Register(cert, $"SN-FLEET-{d:D2}", "", "");
            var mine = apps.Skip(d * (Apps / Devices)).Take(Apps / Devices).ToList();
            ops.Service.PutAssignment(doc.Id, new DeviceAssignment { Apps = mine.Select(a => a.Id).ToList() }, who);
            Report(store, doc.Id, ZInfoTypes.ZiDevice, "device", new ZInfoMsg
            {
                Ztype = ZInfoTypes.ZiDevice, DevId = doc.Id,
                Dinfo = new ZInfoDevice { State = ZDeviceState.Online, Memory = 8192, Ncpu = 4, SwList = { new ZInfoDevSW { Activated = true, PartitionLabel = "IMGA", ShortVersion = "10.4.0" } } },
            }, now);
            foreach (var a in mine)
                Report(store, doc.Id, ZInfoTypes.ZiApp, a.Id, new ZInfoMsg { Ztype = ZInfoTypes.ZiApp, DevId = doc.Id, Ainfo = new ZInfoApp { AppID = a.Id, AppName = a.Name, State = ZSwState.Running } }, now);
        }
    }

    /// <summary>What the device API stores when a device posts this info (the key InfoKey gives it).</summary>
    private static void Report(ControllerStore store, string deviceId, ZInfoTypes kind, string objectId, ZInfoMsg info, DateTime at) =>
        store.Info.Upsert(new InfoDoc { Id = $"{deviceId}/{kind}/{objectId}", DeviceId = deviceId, Kind = kind.ToString(), ObjectId = objectId, Message = info.ToByteArray(), ReceivedAt = at });

    public async ValueTask DisposeAsync()
    {
        await Controller.DisposeAsync();
        _dir.Dispose();
    }
}
