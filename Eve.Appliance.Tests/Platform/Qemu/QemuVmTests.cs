using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Platform.Qemu;

namespace Eve.Appliance.Tests.Platform.Qemu;

/// <summary>Real QEMU (TCG) booting the tiny test guest. Each test boots at most one VM; TearDown
/// kills whatever it recorded, by pid and start time, and removes the run directory.</summary>
[TestFixture]
public sealed class QemuVmTests
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(120);
    private readonly List<(int Pid, long StartTicks)> _started = [];
    private readonly List<QemuProcess> _objects = [];
    private string _dir = "";
    private string _guest = "";

    [SetUp]
    public async Task SetUp()
    {
        _guest = await TestGuest.DirAsync();
        // Short path: unix socket paths are limited to 107 bytes.
        _dir = Directory.CreateTempSubdirectory("eveq-").FullName;
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var p in _objects) await p.DisposeAsync();
        foreach (var (pid, start) in _started)
        {
            if (LinuxProcess.Kill(pid, start))
                for (var i = 0; i < 100 && LinuxProcess.IsAlive(pid, start); i++) await Task.Delay(50);
        }
        Directory.Delete(_dir, recursive: true);
    }

    private QemuDomainSpec Spec(string name, params QemuDisk[] disks) => new()
    {
        Name = name,
        Uuid = Guid.NewGuid(),
        MemoryKiB = 256 * 1024,
        QmpSocketPath = Path.Combine(_dir, name + ".qmp"),
        PidFilePath = Path.Combine(_dir, name + ".pid"),
        SerialLogPath = Path.Combine(_dir, name + ".log"),
        DirectBoot = new QemuDirectBoot(Path.Combine(_guest, "vmlinuz"), Path.Combine(_guest, "initramfs.gz"), "console=ttyS0 quiet panic=-1 test.hold"),
        Disks = disks,
    };

    private static QemuSupervisor Supervisor(TimeSpan? powerdown = null) => new(ProcessRunner.Default, new QemuSupervisorOptions
    {
        PollInterval = TimeSpan.FromMilliseconds(200),
        PowerdownTimeout = powerdown ?? TimeSpan.FromSeconds(60),
    });

    private async Task<QemuProcess> StartAsync(QemuSupervisor supervisor, QemuDomainSpec spec)
    {
        var p = await supervisor.StartAsync(spec, AccelProbe.Host.Probe().Accel);
        _started.Add((p.Pid, p.StartTicks));
        _objects.Add(p);
        return p;
    }

    private void AssertNoFilesLeft(QemuDomainSpec spec)
    {
        Assert.That(File.Exists(spec.PidFilePath), Is.False, "pidfile left behind");
        Assert.That(File.Exists(spec.QmpSocketPath), Is.False, "QMP socket left behind");
    }

    [Test]
    public async Task Boot_WithQcow2Overlay_ShowsMarkersRunsAndPowersOffGracefully()
    {
        var overlay = Path.Combine(_dir, "vol.qcow2");
        await new QemuImg(ProcessRunner.Default).CreateOverlayAsync(overlay, Path.Combine(_guest, "disk.qcow2"), QemuImageFormat.Qcow2);
        var spec = Spec("boot", new QemuDisk(overlay, QemuImageFormat.Qcow2));
        var supervisor = Supervisor();
        var vm = await StartAsync(supervisor, spec);

        var log = await TestGuest.WaitForSerialAsync(spec.SerialLogPath!, "EVE-TEST-DONE", BootTimeout);
        Assert.That(log, Does.Contain("EVE-TEST-MARKER"));
        Assert.That(log, Does.Contain("EVE-TEST-DISK: vda"));
        Assert.That(await vm.Qmp.QueryStatusAsync(), Is.EqualTo(new QmpStatus("running", true)));
        var disk = (await vm.Qmp.QueryBlockStatsAsync()).Single(b => b.Device == "disk0");
        Assert.That(disk.ReadOperations, Is.GreaterThan(0), "the guest read its partition table from vda");
        var stats = vm.ReadStats();
        Assert.That(stats.CpuTime, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(stats.RssBytes, Is.GreaterThan(16L << 20));

        var exit = await vm.StopAsync();
        Assert.That(exit.Kind, Is.EqualTo(QemuExitKind.GuestShutdown), exit.Describe());
        Assert.That(exit.RequestedByUs, Is.True);
        // test.hold keeps the guest up forever: only acpid acting on the power button powers it off.
        Assert.That(exit.ShutdownReason, Is.EqualTo("guest-shutdown"));
        Assert.That(await File.ReadAllTextAsync(spec.SerialLogPath!), Does.Contain("reboot: Power down"));
        var events = new List<string>();
        await foreach (var e in vm.Events.ReadAllAsync()) events.Add(e.Name);
        Assert.That(events, Is.EqualTo(new[] { "POWERDOWN", "SHUTDOWN" }));
        Assert.That(supervisor.Exits.TryRead(out var reported), Is.True);
        Assert.That(reported, Is.EqualTo(exit));
        AssertNoFilesLeft(spec);
    }

    [Test]
    public async Task Adopt_AfterTheSupervisorIsDropped_TalksQmp_ThenSeesKillFromOutside()
    {
        var spec = Spec("adopt");
        var first = await StartAsync(Supervisor(), spec);
        var pid = first.Pid;
        await first.DisposeAsync();
        Assert.That(LinuxProcess.IsAlive(pid, first.StartTicks), Is.True, "dropping the object must not stop the VM");

        var supervisor = Supervisor();
        var again = Assert.ThrowsAsync<QemuStartException>(() => supervisor.StartAsync(spec, QemuAccel.Tcg))!;
        Assert.That(again.Message, Does.Contain($"already running as pid {pid}"));

        var adopted = await supervisor.AdoptAsync(spec);
        Assert.That(adopted, Is.Not.Null);
        _objects.Add(adopted!);
        Assert.That(adopted!.Pid, Is.EqualTo(pid));
        Assert.That(adopted.Adopted, Is.True);
        await adopted.Qmp.StopAsync();
        Assert.That((await adopted.Qmp.QueryStatusAsync()).Status, Is.EqualTo("paused"));
        await adopted.Qmp.ContAsync();
        Assert.That((await adopted.Qmp.QueryStatusAsync()).Running, Is.True);
        var names = new List<string>();
        while (names.Count < 2) names.Add((await adopted.Events.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Name);
        Assert.That(names, Is.EqualTo(new[] { "STOP", "RESUME" }));

        await ProcessRunner.Default.RunAsync("kill", ["-9", pid.ToString()]);
        var exit = await supervisor.Exits.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(exit.Kind, Is.EqualTo(QemuExitKind.Killed));
        Assert.That(exit.RequestedByUs, Is.False);
        Assert.That(exit.Describe(), Does.Contain("killed from outside"));
        Assert.That(adopted.IsRunning, Is.False);
        AssertNoFilesLeft(spec);
    }

    [Test]
    public async Task VtpmAndVncPassword_WorkForReal_ThenQuitEndsQemuAtOnce()
    {
        var swtpmSocket = Path.Combine(_dir, "swtpm.sock");
        var swtpmPid = Path.Combine(_dir, "swtpm.pid");
        Directory.CreateDirectory(Path.Combine(_dir, "tpm"));
        await ProcessRunner.Default.RunAsync("swtpm", ["socket", "--tpm2", "--tpmstate", $"dir={Path.Combine(_dir, "tpm")}",
            "--ctrl", $"type=unixio,path={swtpmSocket}", "--pid", $"file={swtpmPid}", "--daemon"]);
        // swtpm writes its pidfile and socket from the daemonized child; wait for both.
        for (var i = 0; i < 100 && !(File.Exists(swtpmPid) && File.Exists(swtpmSocket)); i++) await Task.Delay(50);
        var tpmPid = int.Parse((await File.ReadAllTextAsync(swtpmPid)).Trim());
        _started.Add((tpmPid, ProcStat.TryRead(tpmPid)!.Value.StartTicks));

        var display = Random.Shared.Next(200, 4000);
        var spec = Spec("quit") with { VtpmSocketPath = swtpmSocket, Vnc = new QemuVnc("127.0.0.1", display, "pw-1234") };
        var vm = await StartAsync(Supervisor(), spec);
        Assert.That(string.Join(' ', LinuxProcess.ReadCmdline(vm.Pid)), Does.Not.Contain("pw-1234"));
        var vnc = await vm.Qmp.ExecuteAsync("query-vnc");
        Assert.That(vnc.GetProperty("enabled").GetBoolean(), Is.True);
        Assert.That(vnc.GetProperty("auth").GetString(), Is.EqualTo("vnc"), "password auth is on and a password was set over QMP");
        Assert.That(vnc.GetProperty("service").GetString(), Is.EqualTo((5900 + display).ToString()));
        await TestGuest.WaitForSerialAsync(spec.SerialLogPath!, "EVE-TEST-TPM: 2", BootTimeout);

        var exit = await vm.QuitAsync();
        Assert.That(exit.Kind, Is.EqualTo(QemuExitKind.Quit));
        Assert.That(exit.ShutdownReason, Is.EqualTo("host-qmp-quit"));
        Assert.That(LinuxProcess.IsAlive(vm.Pid, vm.StartTicks), Is.False);
        AssertNoFilesLeft(spec);
    }

    [Test]
    public void MissingKernel_FailsWithQemusReason_AndLeavesNothing()
    {
        var spec = Spec("nokernel") with { DirectBoot = new QemuDirectBoot(Path.Combine(_dir, "absent-vmlinuz")) };
        var e = Assert.ThrowsAsync<QemuStartException>(() => Supervisor().StartAsync(spec, QemuAccel.Tcg))!;
        Assert.That(e.Message, Does.Contain("VM 'nokernel' did not start").And.Contain("absent-vmlinuz"));
        AssertNoFilesLeft(spec);
    }

    [Test]
    public async Task Adopt_WithAPidfileNamingAnotherProcess_ReturnsNullAndRemovesIt()
    {
        var spec = Spec("stale");
        await File.WriteAllTextAsync(spec.PidFilePath, Environment.ProcessId.ToString());
        Assert.That(await Supervisor().AdoptAsync(spec), Is.Null);
        AssertNoFilesLeft(spec);
    }
}
