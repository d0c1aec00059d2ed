using System.Text;
using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Tests.Support;

namespace Eve.Appliance.Tests.Agent.Apps;

/// <summary>The NoCloud seed image made with mkfs.vfat + mcopy, read back with mtools.</summary>
[TestFixture]
public sealed class CloudInitSeedTests
{
    private static readonly Guid App = Guid.Parse("0c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e");

    private static AppIntent Intent(string? userData, string version = "3", string name = "web server_1") =>
        new() { Id = App, Name = name, Version = version, UserData = userData == null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(userData)) };

    private static async Task<string> TypeAsync(string image, string file) =>
        (await ProcessRunner.Default.RunAsync("mtype", ["-i", image, "::" + file])).Stdout;

    [Test]
    public async Task Seed_HoldsUserDataAndMetaData_UnderTheCidataLabel()
    {
        using var dir = new TempDir("seed");
        var path = await CloudInitSeed.EnsureAsync(ProcessRunner.Default, dir.Path, Intent("#cloud-config\nhostname: web\n"), CancellationToken.None);

        Assert.That(path, Is.EqualTo(CloudInitSeed.PathFor(dir.Path, App)));
        Assert.That(await TypeAsync(path!, "user-data"), Is.EqualTo("#cloud-config\nhostname: web\n"));
        Assert.That(await TypeAsync(path!, "meta-data"), Is.EqualTo($"instance-id: {App:D}/3\nlocal-hostname: web-server-1\n"));
        var label = await ProcessRunner.Default.RunAsync("mlabel", ["-s", "-i", path!, "::"]);
        Assert.That(label.Stdout, Does.Contain("CIDATA"));
        var files = await ProcessRunner.Default.RunAsync("mdir", ["-b", "-i", path!, "::"]);
        Assert.That(files.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()), Is.EquivalentTo(new[] { "::/user-data", "::/meta-data" }));
        Assert.That(Directory.GetDirectories(dir.Path), Is.Empty, "no work folder left");
    }

    [Test]
    public async Task Seed_IsRebuiltWhenUserDataOrVersionChanges_KeptOtherwise_AndRemovedWithoutUserData()
    {
        using var dir = new TempDir("seed-change");
        var path = (await CloudInitSeed.EnsureAsync(ProcessRunner.Default, dir.Path, Intent("a: 1\n"), CancellationToken.None))!;
        var first = File.GetLastWriteTimeUtc(path);
        File.SetLastWriteTimeUtc(path, first.AddHours(-1)); // a rebuild would give it a new time

        await CloudInitSeed.EnsureAsync(ProcessRunner.Default, dir.Path, Intent("a: 1\n"), CancellationToken.None);
        Assert.That(File.GetLastWriteTimeUtc(path), Is.EqualTo(first.AddHours(-1)), "same content: not rebuilt");

        await CloudInitSeed.EnsureAsync(ProcessRunner.Default, dir.Path, Intent("a: 2\n"), CancellationToken.None);
        Assert.That(await TypeAsync(path, "user-data"), Is.EqualTo("a: 2\n"));

        await CloudInitSeed.EnsureAsync(ProcessRunner.Default, dir.Path, Intent("a: 2\n", version: "4"), CancellationToken.None);
        Assert.That(await TypeAsync(path, "meta-data"), Does.StartWith($"instance-id: {App:D}/4\n"));

        Assert.That(await CloudInitSeed.EnsureAsync(ProcessRunner.Default, dir.Path, Intent(null), CancellationToken.None), Is.Null);
        Assert.That(Directory.GetFiles(dir.Path), Is.Empty, "user data gone: seed and its hash removed");
    }

    [Test]
    public async Task AppWithoutUserData_NeedsNoSeedFolder()
    {
        // The first app of a device without user data: the seeds folder was never made.
        using var dir = new TempDir("seed-none");
        var seeds = Path.Combine(dir.Path, "seeds");
        Assert.That(await CloudInitSeed.EnsureAsync(ProcessRunner.Default, seeds, Intent(null), CancellationToken.None), Is.Null);
        Assert.That(Directory.Exists(seeds), Is.False);
    }

    [Test]
    public void UserDataThatIsNotBase64_IsRefusedWithAReadableError()
    {
        using var dir = new TempDir("seed-bad");
        var intent = Intent(null) with { UserData = "#cloud-config not base64!" };
        var e = Assert.ThrowsAsync<AppRefusedException>(() => CloudInitSeed.EnsureAsync(ProcessRunner.Default, dir.Path, intent, CancellationToken.None));
        Assert.That(e!.Message, Does.Contain("not base64").And.Contain("web server_1"));
    }

    [Test]
    public void UserData_ChangesTheDomainFingerprint_ButAppsWithoutUserDataKeepTheirs()
    {
        var none = Intent(null);
        Assert.That(none.DomainFingerprint, Does.Not.Contain("userdata"), "no restart of existing apps on upgrade");
        Assert.That(Intent("a: 1\n").DomainFingerprint, Is.Not.EqualTo(none.DomainFingerprint));
        Assert.That(Intent("a: 1\n").DomainFingerprint, Is.Not.EqualTo(Intent("a: 2\n").DomainFingerprint));
        Assert.That(Intent("secret-password\n").DomainFingerprint, Does.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes("secret-password\n"))), "only a hash is persisted");
    }
}
