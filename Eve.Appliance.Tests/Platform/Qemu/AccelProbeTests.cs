using Eve.Appliance.Platform.Qemu;

namespace Eve.Appliance.Tests.Platform.Qemu;

[TestFixture]
public sealed class AccelProbeTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("eve-accel-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private AccelProbe Probe(string flags, bool pvm, bool kvmDevice)
    {
        var cpuinfo = Path.Combine(_dir, "cpuinfo");
        File.WriteAllText(cpuinfo, $"processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: {flags}\n\nprocessor\t: 1\nflags\t\t: {flags}\n");
        var pvmPath = Path.Combine(_dir, "kvm_pvm");
        if (pvm) Directory.CreateDirectory(pvmPath);
        var kvm = Path.Combine(_dir, "kvm");
        if (kvmDevice) File.WriteAllText(kvm, "");
        return new AccelProbe(cpuinfo, pvmPath, kvm);
    }

    [Test]
    public void NoVmxOrSvm_UsesTcg()
    {
        var d = Probe("fpu vme sse sse2 hypervisor", pvm: false, kvmDevice: true).Probe();
        Assert.That(d.Accel, Is.EqualTo(QemuAccel.Tcg));
        Assert.That(d.Reason, Does.Contain("neither vmx nor svm"));
    }

    [Test]
    public void PvmModule_UsesTcg_EvenWithVmxAndDevice()
    {
        var d = Probe("fpu vmx sse2", pvm: true, kvmDevice: true).Probe();
        Assert.That(d.Accel, Is.EqualTo(QemuAccel.Tcg));
        Assert.That(d.Reason, Does.Contain("PVM"));
    }

    [Test]
    public void KvmDeviceThatDoesNotOpen_UsesTcg()
    {
        var d = Probe("fpu svm sse2", pvm: false, kvmDevice: false).Probe();
        Assert.That(d.Accel, Is.EqualTo(QemuAccel.Tcg));
        Assert.That(d.Reason, Does.Contain("does not open"));
    }

    [TestCase("fpu vmx sse2")]
    [TestCase("fpu sse2 svm")]
    public void RealKvm_UsesKvm(string flags) =>
        Assert.That(Probe(flags, pvm: false, kvmDevice: true).Probe().Accel, Is.EqualTo(QemuAccel.Kvm));

    [Test]
    public void FlagSubstring_IsNotMistakenForVmx() =>
        Assert.That(Probe("fpu vmxe svmx", pvm: false, kvmDevice: true).Probe().Accel, Is.EqualTo(QemuAccel.Tcg));
}
