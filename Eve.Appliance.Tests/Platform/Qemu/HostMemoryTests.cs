using Eve.Appliance.Platform.Qemu;

namespace Eve.Appliance.Tests.Platform.Qemu;

[TestFixture]
public sealed class HostMemoryTests
{
    private static QemuDomainSpec Spec(long kib) => new()
    {
        Name = "big",
        Uuid = Guid.NewGuid(),
        MemoryKiB = kib,
        QmpSocketPath = "/run/q.sock",
        PidFilePath = "/run/q.pid",
        DirectBoot = new QemuDirectBoot("/k"),
    };

    [Test]
    public void Admit_RefusesWhatDoesNotFit_WithTheNumbers()
    {
        Assert.That(HostMemory.Admit(Spec(1 << 20), availableKiB: 2 << 20), Is.Null);
        var reason = HostMemory.Admit(Spec(1 << 20), availableKiB: 2 << 20, reservedKiB: 1500 * 1024);
        Assert.That(reason, Does.Contain("needs 1120 MiB").And.Contain("only 548 MiB is available"));
    }

    [Test]
    public void ReadAvailable_ParsesMeminfo()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "MemTotal:       24000000 kB\nMemFree:        1000 kB\nMemAvailable:   21000000 kB\n");
            Assert.That(HostMemory.ReadAvailableKiB(path), Is.EqualTo(21000000));
            Assert.That(HostMemory.ReadAvailableKiB(), Is.GreaterThan(0));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Passthrough_WithoutVfio_SaysNotAvailable()
    {
        var dir = Directory.CreateTempSubdirectory("eve-vfio-").FullName;
        try
        {
            var probe = new PassthroughProbe(Path.Combine(dir, "vfio"), Path.Combine(dir, "vfio-pci"));
            Assert.That(probe.PciUnavailableReason(), Does.Contain("not available here").And.Contain("missing"));
            File.WriteAllText(Path.Combine(dir, "vfio"), "");
            Directory.CreateDirectory(Path.Combine(dir, "vfio-pci"));
            Assert.That(probe.PciUnavailableReason(), Is.Null);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
