using Eve.Appliance.Platform.Qemu;

namespace Eve.Appliance.Tests.Platform.Qemu;

[TestFixture]
public sealed class QemuCommandLineTests
{
    private static QemuDomainSpec Spec() => new()
    {
        Name = "app-1",
        Uuid = Guid.Parse("11111111-2222-3333-4444-555555555555"),
        Vcpus = 2,
        MemoryKiB = 524288,
        QmpSocketPath = "/run/eve/app-1/qmp.sock",
        PidFilePath = "/run/eve/app-1/qemu.pid",
        SerialLogPath = "/persist/app-1/console.log",
        DirectBoot = new QemuDirectBoot("/img/vmlinuz", "/img/initrd.gz", "console=ttyS0 quiet"),
        Disks = [new QemuDisk("/persist/vol/a.qcow2", QemuImageFormat.Qcow2), new QemuDisk("/persist/vol/b.raw", QemuImageFormat.Raw, ReadOnly: true)],
        Nics = [QemuNic.Tap("nbu1x1", "52:54:00:AA:BB:01"), QemuNic.User("52:54:00:aa:bb:02")],
    };

    private static string Joined(IReadOnlyList<string> argv) => string.Join(' ', argv);

    [Test]
    public void Tcg_IsExplicit_AndNoCpuModelIsForced()
    {
        var argv = QemuCommandLine.Build(Spec(), QemuAccel.Tcg);
        Assert.That(Joined(argv), Does.Contain("-accel tcg "));
        Assert.That(argv, Has.No.Member("-cpu"));
        Assert.That(argv, Has.No.Member("kvm"));
    }

    [Test]
    public void Kvm_IsExplicit_WithHostCpu()
    {
        var j = Joined(QemuCommandLine.Build(Spec(), QemuAccel.Kvm));
        Assert.That(j, Does.Contain("-accel kvm "));
        Assert.That(j, Does.Contain("-cpu host"));
    }

    [Test]
    public void Resources_Identity_AndDaemonizationAreRendered()
    {
        var j = Joined(QemuCommandLine.Build(Spec(), QemuAccel.Tcg));
        Assert.That(j, Does.Contain("-name app-1,debug-threads=on"));
        Assert.That(j, Does.Contain("-uuid 11111111-2222-3333-4444-555555555555"));
        Assert.That(j, Does.Contain("-smp 2 "));
        Assert.That(j, Does.Contain("-m 524288K "));
        Assert.That(j, Does.Contain("-qmp unix:/run/eve/app-1/qmp.sock,server=on,wait=off"));
        Assert.That(j, Does.Contain("-pidfile /run/eve/app-1/qemu.pid -daemonize"));
        Assert.That(j, Does.Contain("-nodefaults"));
        Assert.That(j, Does.Contain("-chardev file,id=serial0,path=/persist/app-1/console.log,append=on -serial chardev:serial0"));
        Assert.That(j, Does.Contain("-kernel /img/vmlinuz -initrd /img/initrd.gz"));
        var append = QemuCommandLine.Build(Spec(), QemuAccel.Tcg).ToList();
        Assert.That(append[append.IndexOf("-append") + 1], Is.EqualTo("console=ttyS0 quiet"), "-append must stay one argv element");
    }

    [Test]
    public void Disks_AreVirtioBlk_WithFormatAndReadOnly()
    {
        var j = Joined(QemuCommandLine.Build(Spec(), QemuAccel.Tcg));
        Assert.That(j, Does.Contain("-drive file=/persist/vol/a.qcow2,if=none,id=disk0,format=qcow2 -device virtio-blk-pci,drive=disk0,id=vdisk0"));
        Assert.That(j, Does.Contain("-drive file=/persist/vol/b.raw,if=none,id=disk1,format=raw,readonly=on -device virtio-blk-pci,drive=disk1,id=vdisk1"));
    }

    [Test]
    public void Nics_TapAndUser_AreVirtioNet_WithLowercaseMac()
    {
        var j = Joined(QemuCommandLine.Build(Spec(), QemuAccel.Tcg));
        Assert.That(j, Does.Contain("-netdev tap,id=net0,ifname=nbu1x1,script=no,downscript=no -device virtio-net-pci,netdev=net0,mac=52:54:00:aa:bb:01,id=nic0"));
        Assert.That(j, Does.Contain("-netdev user,id=net1 -device virtio-net-pci,netdev=net1,mac=52:54:00:aa:bb:02,id=nic1"));
    }

    [Test]
    public void NoNics_MeansNoNetdevAtAll()
    {
        var argv = QemuCommandLine.Build(Spec() with { Nics = [] }, QemuAccel.Tcg);
        Assert.That(argv, Has.No.Member("-netdev"));
        Assert.That(argv, Does.Contain("-nodefaults"), "-nodefaults keeps QEMU from adding its default NIC");
    }

    [Test]
    public void VncPassword_NeverAppearsOnTheCommandLine()
    {
        var argv = QemuCommandLine.Build(Spec() with { Vnc = new QemuVnc("127.0.0.1", 7, "s3cret") }, QemuAccel.Tcg);
        Assert.That(Joined(argv), Does.Contain("-vga std -vnc 127.0.0.1:7,password=on"));
        Assert.That(argv.Any(a => a.Contains("s3cret")), Is.False);
        Assert.That(Joined(QemuCommandLine.Build(Spec() with { Vnc = new QemuVnc("::1", 1) }, QemuAccel.Tcg)), Does.EndWith("-vnc [::1]:1"));
    }

    [Test]
    public void Vtpm_AddsEmulatorTpmOnTheSwtpmSocket()
    {
        var j = Joined(QemuCommandLine.Build(Spec() with { VtpmSocketPath = "/run/eve/app-1/swtpm.sock" }, QemuAccel.Tcg));
        Assert.That(j, Does.Contain("-chardev socket,id=chrtpm,path=/run/eve/app-1/swtpm.sock -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0"));
    }

    [Test]
    public void CommasInPaths_AreDoubled()
    {
        var j = Joined(QemuCommandLine.Build(Spec() with { Disks = [new QemuDisk("/a,b/c.qcow2", QemuImageFormat.Qcow2)] }, QemuAccel.Tcg));
        Assert.That(j, Does.Contain("file=/a,,b/c.qcow2,if=none"));
    }

    [Test]
    public void InvalidSpec_ListsEveryProblem()
    {
        var bad = Spec() with
        {
            Vcpus = 0,
            MemoryKiB = 1024,
            QmpSocketPath = "relative/qmp.sock",
            Disks = [new QemuDisk("disk.qcow2", QemuImageFormat.Qcow2)],
            Nics = [QemuNic.User("not-a-mac")],
        };
        var e = Assert.Throws<QemuSpecException>(() => QemuCommandLine.Build(bad, QemuAccel.Tcg))!;
        Assert.That(e.Problems, Has.Count.EqualTo(5), string.Join("\n", e.Problems));
        Assert.That(e.Message, Does.Contain("vcpus = 0: must be 1–64"));
        Assert.That(e.Message, Does.Contain("not absolute"));
        Assert.That(e.Message, Does.Contain("'not-a-mac'"));
    }

    [Test]
    public void OverlongQmpSocketPath_IsRefused()
    {
        var e = Assert.Throws<QemuSpecException>(() =>
            QemuCommandLine.Build(Spec() with { QmpSocketPath = "/" + new string('x', 120) }, QemuAccel.Tcg))!;
        Assert.That(e.Message, Does.Contain("unix sockets allow 107"));
    }
}
