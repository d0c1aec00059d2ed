using Eve.Appliance.Agent.DebugAccess;
using Eve.Appliance.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Agent.DebugAccess;

/// <summary>debug.enable.ssh and the local remote_access_disabled switch, on real files.</summary>
[TestFixture]
public sealed class DebugAccessTests
{
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example";

    [Test]
    public void SshItem_WritesAuthorizedKeysWithMode0600_AndRemovesThemWhenTheItemGoes()
    {
        using var dir = new TempDir("debug-ssh");
        var keys = new AuthorizedKeys(dir.Sub("ssh"));
        var access = new DebugAccessSubsystem();

        Assert.That(access.Apply(Key, remoteDisabled: false, keys, NullLogger.Instance), Is.True);
        Assert.That(File.ReadAllText(keys.FilePath), Is.EqualTo(Key + "\n"));
        Assert.That(File.GetUnixFileMode(keys.FilePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(Directory.GetFiles(dir.Sub("ssh")), Has.Length.EqualTo(1), "no temp file left behind");

        access.Apply(null, remoteDisabled: false, keys, NullLogger.Instance);
        Assert.That(File.Exists(keys.FilePath), Is.False);
    }

    [Test]
    public void RemoteAccessDisabled_OverridesTheSshItem_AndIsReportedInInfo()
    {
        using var dir = new TempDir("debug-ssh-off");
        var keys = new AuthorizedKeys(dir.Sub("ssh"));
        var access = new DebugAccessSubsystem();
        access.Apply(Key, remoteDisabled: false, keys, NullLogger.Instance);

        File.WriteAllText(Path.Combine(dir.Path, RemoteAccessSwitch.FileName), "");
        var remote = new RemoteAccessSwitch(dir.Path);
        Assert.That(access.Apply(Key, remote.IsDisabled, keys, NullLogger.Instance), Is.True);

        Assert.That(File.Exists(keys.FilePath), Is.False, "the local switch wins over the controller's item");
        var info = new ZInfoDevice();
        access.Contribute(info);
        Assert.That(info.RemoteAccessDisabled, Is.True);
        Assert.That(info.ConfigItemStatus.ConfigItems[DebugAccessSubsystem.SshItem].Error, Does.Contain("remote access is disabled"));
    }

    [TestCase("command=\"/bin/sh\" " + Key)]
    [TestCase("hello world")]
    [TestCase("ssh-ed25519 not!base64")]
    [TestCase("   ")]
    public void NotAPlainPublicKey_IsRefusedAndNothingIsWritten(string value)
    {
        using var dir = new TempDir("debug-ssh-bad");
        var keys = new AuthorizedKeys(dir.Sub("ssh"));
        var access = new DebugAccessSubsystem();
        access.Apply(value, remoteDisabled: false, keys, NullLogger.Instance);
        Assert.That(File.Exists(keys.FilePath), Is.False);
        var info = new ZInfoDevice();
        access.Contribute(info);
        Assert.That(info.ConfigItemStatus.ConfigItems[DebugAccessSubsystem.SshItem].Error, Does.StartWith("debug.enable.ssh"));
        Assert.That(info.RemoteAccessDisabled, Is.False);
    }
}
