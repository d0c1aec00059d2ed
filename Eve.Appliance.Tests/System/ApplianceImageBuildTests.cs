using System.Security.Cryptography;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Tests.Platform.Qemu;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.SystemTests;

/// <summary>images/appliance/build.sh is reproducible: two builds from the same binary, the same
/// package versions and the same SOURCE_DATE_EPOCH, at different wall-clock times and in different
/// folders, give byte-identical disks (and the build prints each part's size).</summary>
[TestFixture]
[Category("System")]
public sealed class ApplianceImageBuildTests
{
    [Test]
    public async Task Build_SameInputs_SameDiskHash()
    {
        var image = ApplianceImage.Dir();
        var bin = Path.Combine(image, "publish", "eve-appliance");
        if (!File.Exists(bin)) Assert.Fail($"{bin} is missing: `make image` publishes the binary there");
        var script = Path.Combine(TestGuest.RepoRoot(), "images", "appliance", "build.sh");
        using var tmp = new TempDir("image-build");
        var hashes = new List<string>();
        foreach (var run in new[] { "a", "b" })
        {
            var r = await ProcessRunner.Default.RunAsync("env", [$"EVE_BIN={bin}", "SOURCE_DATE_EPOCH=1764288000", "bash", script, tmp.Sub(run)], TimeSpan.FromMinutes(40));
            Assert.That(r.Stdout, Does.Contain("IMGA").And.Contain("PERSIST").And.Contain("disk sha256"), "the build prints each part's size");
            await using var disk = File.OpenRead(tmp.Sub(run, "disk.raw"));
            hashes.Add(Convert.ToHexStringLower(await SHA256.HashDataAsync(disk)));
        }
        Assert.That(hashes[1], Is.EqualTo(hashes[0]));
    }
}
