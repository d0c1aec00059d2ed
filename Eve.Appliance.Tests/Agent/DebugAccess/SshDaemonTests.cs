using System.Diagnostics;
using Eve.Appliance.Agent.DebugAccess;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Tests.Agent.DebugAccess;

/// <summary>The debug sshd for real: Debian's /usr/sbin/sshd supervised by the agent's debug-access
/// pass, logged into with the real ssh client on 127.0.0.1.</summary>
[TestFixture]
public sealed class SshDaemonTests
{
    [Test]
    public async Task ConfiguredKey_LogsIn_OtherKeyIsRefused_DeadSshdIsRestarted_RemoteAccessDisabledStopsIt()
    {
        using var dir = new TempDir("sshd");
        var port = ApplianceProcess.FreePort();
        var sshDir = dir.Sub("persist", "ssh");
        var keys = new AuthorizedKeys(sshDir);
        var access = new DebugAccessSubsystem();
        using var daemon = new SshDaemon(sshDir, new SshdSettings(ListenAddress: "127.0.0.1", Port: port), ProcessRunner.Default, NullLogger.Instance);
        var operatorKey = await SshClientKey.MakeAsync(dir.Sub("client"), "operator");
        var strangerKey = await SshClientKey.MakeAsync(dir.Sub("client"), "stranger");
        var pids = new List<int>();
        try
        {
            access.Apply(operatorKey.PublicLine, remoteDisabled: false, keys, NullLogger.Instance);
            await access.SuperviseAsync(daemon, keys, NullLogger.Instance, CancellationToken.None);
            var first = daemon.Pid ?? throw new AssertionException("sshd not started");
            pids.Add(first);
            Assert.That(File.ReadAllText(daemon.PidFile).Trim(), Is.EqualTo(first.ToString(System.Globalization.CultureInfo.InvariantCulture)), "pid recorded");
            var hostKey = File.ReadAllText(daemon.HostKeyFile + ".pub");

            var ok = await operatorKey.RunAsync(port, "echo ok");
            Assert.That((ok.ExitCode, ok.Stdout.Trim()), Is.EqualTo((0, "ok")), ok.Stderr);
            var refused = await strangerKey.RunAsync(port, "echo ok");
            Assert.That(refused.ExitCode, Is.EqualTo(255));
            Assert.That(refused.Stderr, Does.Contain("Permission denied (publickey)"), "keys only: no password prompt offered");

            // sshd dies: the next pass starts it again, with the same host key.
            Process.GetProcessById(first).Kill();
            await daemon.Exited.WaitAsync(TimeSpan.FromSeconds(30));
            await access.SuperviseAsync(daemon, keys, NullLogger.Instance, CancellationToken.None);
            var second = daemon.Pid ?? throw new AssertionException("sshd not restarted");
            pids.Add(second);
            Assert.That(second, Is.Not.EqualTo(first));
            Assert.That(File.ReadAllText(daemon.HostKeyFile + ".pub"), Is.EqualTo(hostKey), "host key made once");
            ok = await operatorKey.RunAsync(port, "echo again");
            Assert.That(ok.Stdout.Trim(), Is.EqualTo("again"), ok.Stderr);

            // The local switch wins: keys removed, sshd stopped by its recorded pid.
            File.WriteAllText(dir.Sub("remote_access_disabled"), "");
            access.Apply(operatorKey.PublicLine, new RemoteAccessSwitch(dir.Path).IsDisabled, keys, NullLogger.Instance);
            await access.SuperviseAsync(daemon, keys, NullLogger.Instance, CancellationToken.None);
            Assert.That(daemon.Pid, Is.Null);
            Assert.That(Alive(second), Is.False, "sshd is gone");
            Assert.That(File.Exists(daemon.PidFile), Is.False);
            var closed = await operatorKey.RunAsync(port, "echo ok");
            Assert.That(closed.ExitCode, Is.EqualTo(255));
            Assert.That(closed.Stderr, Does.Contain("refused"));
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
            foreach (var pid in pids.Where(Alive)) Process.GetProcessById(pid).Kill(entireProcessTree: true);
        }
    }

    [Test]
    public async Task SshdThatCannotListen_IsReportedOnTheItem()
    {
        using var dir = new TempDir("sshd-busy");
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        var sshDir = dir.Sub("ssh");
        var keys = new AuthorizedKeys(sshDir);
        var access = new DebugAccessSubsystem();
        using var daemon = new SshDaemon(sshDir, new SshdSettings(ListenAddress: "127.0.0.1", Port: port), ProcessRunner.Default, NullLogger.Instance);
        var key = await SshClientKey.MakeAsync(dir.Sub("client"), "operator");
        try
        {
            access.Apply(key.PublicLine, remoteDisabled: false, keys, NullLogger.Instance);
            Assert.That(await access.SuperviseAsync(daemon, keys, NullLogger.Instance, CancellationToken.None), Is.True);
            var info = new ZInfoDevice();
            access.Contribute(info);
            var error = info.ConfigItemStatus.ConfigItems[DebugAccessSubsystem.SshItem].Error;
            Assert.That(error, Does.Contain($"127.0.0.1:{port}").And.Contain("Address already in use"));
            Assert.That(daemon.Pid, Is.Null);
        }
        finally
        {
            await daemon.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task MissingSshdBinary_IsReportedOnTheItem()
    {
        using var dir = new TempDir("sshd-none");
        var keys = new AuthorizedKeys(dir.Sub("ssh"));
        var access = new DebugAccessSubsystem();
        using var daemon = new SshDaemon(dir.Sub("ssh"), new SshdSettings(SshdPath: dir.Sub("no-sshd")), ProcessRunner.Default, NullLogger.Instance);
        access.Apply("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example", remoteDisabled: false, keys, NullLogger.Instance);
        await access.SuperviseAsync(daemon, keys, NullLogger.Instance, CancellationToken.None);
        var info = new ZInfoDevice();
        access.Contribute(info);
        Assert.That(info.ConfigItemStatus.ConfigItems[DebugAccessSubsystem.SshItem].Error, Does.Contain("no sshd at").And.Contain("openssh-server"));
    }

    [TestCase(null, "0.0.0.0:22")]
    [TestCase("127.0.0.1:2222", "127.0.0.1:2222")]
    [TestCase("[::1]:2022", "[::1]:2022")]
    public void ListenArgument_GivesTheSshdListenAddress(string? arg, string listen) =>
        Assert.That(SshdSettings.FromArg(arg).Listen, Is.EqualTo(listen));

    [TestCase("localhost:22")]
    [TestCase("127.0.0.1")]
    [TestCase("127.0.0.1:0")]
    public void ListenArgument_ThatIsNotAddrPort_IsRefused(string arg) =>
        Assert.That(() => SshdSettings.FromArg(arg), Throws.ArgumentException.With.Message.Contains("expected ADDR:PORT"));

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0] is not ("Z" or "X");
        }
        catch (IOException)
        {
            return false;
        }
    }
}
