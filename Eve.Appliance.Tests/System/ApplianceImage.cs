using Eve.Appliance.Tests.Platform.Qemu;

namespace Eve.Appliance.Tests.SystemTests;

/// <summary>Where the built image is: EVE_IMAGE_DIR (`make test-system` sets it) or artifacts/image.</summary>
internal static class ApplianceImage
{
    public static string Dir()
    {
        var dir = Environment.GetEnvironmentVariable("EVE_IMAGE_DIR") is { Length: > 0 } d ? d : Path.Combine(TestGuest.RepoRoot(), "artifacts", "image");
        foreach (var f in new[] { "disk.raw", "vmlinuz", "initrd.img", "rootfs.sqfs" })
            if (!File.Exists(Path.Combine(dir, f)))
                Assert.Fail($"the appliance image is not built: {Path.Combine(dir, f)} is missing; run `make image` (or `make test-system`, which builds it)");
        return dir;
    }
}
