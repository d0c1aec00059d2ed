using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>A software TPM (`swtpm socket --tpm2`) on loopback TCP ports, started as a daemon and
/// stopped by the pid it recorded: used by tests and benchmarks, and by anything that needs a TPM
/// on a host without one. State persists in <see cref="StateDir"/> across restarts.</summary>
internal sealed class SwtpmProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);
    private readonly IProcessRunner _runner;

    private SwtpmProcess(IProcessRunner runner, string stateDir, int port, int ctrlPort, int pid)
    {
        _runner = runner;
        StateDir = stateDir;
        Port = port;
        CtrlPort = ctrlPort;
        Pid = pid;
    }

    public string StateDir { get; }
    public int Port { get; }
    public int CtrlPort { get; }
    public int Pid { get; }

    /// <summary>The TPM option string for <see cref="TpmTransportFactory"/>.</summary>
    public string Option => $"swtpm:127.0.0.1:{Port}";

    public TpmClient Connect() => new(new SwtpmTcpTransport("127.0.0.1", Port));

    /// <summary>Starts swtpm on two free loopback ports. With <paramref name="startupClear"/> swtpm
    /// sends TPM2_Startup(CLEAR) itself, like firmware does on a real machine.</summary>
    public static async Task<SwtpmProcess> StartAsync(string stateDir, bool startupClear = true,
        IProcessRunner? runner = null, CancellationToken ct = default)
    {
        runner ??= ProcessRunner.Default;
        Directory.CreateDirectory(stateDir);
        var pidFile = Path.Combine(stateDir, "swtpm.pid");
        for (var attempt = 1; ; attempt++)
        {
            File.Delete(pidFile);
            var (port, ctrl) = (FreePort(), FreePort());
            try
            {
                await runner.RunAsync("swtpm", [
                    "socket", "--tpm2",
                    "--server", $"type=tcp,port={port},bindaddr=127.0.0.1",
                    "--ctrl", $"type=tcp,port={ctrl},bindaddr=127.0.0.1",
                    "--tpmstate", $"dir={stateDir}",
                    "--flags", startupClear ? "not-need-init,startup-clear" : "not-need-init",
                    "--log", $"file={Path.Combine(stateDir, "swtpm.log")},level=1",
                    "--pid", $"file={pidFile}",
                    "--daemon",
                ], TimeSpan.FromSeconds(10), ct: ct).ConfigureAwait(false);
            }
            catch (ProcessFailedException e) when (attempt < 5 && e.StderrTail.Contains("in use", StringComparison.OrdinalIgnoreCase))
            {
                continue; // another process took a port between our probe and swtpm's bind
            }
            var pid = await WaitForPidAsync(pidFile, ct).ConfigureAwait(false);
            var swtpm = new SwtpmProcess(runner, stateDir, port, ctrl, pid);
            try
            {
                await WaitForPortAsync(port, ct).ConfigureAwait(false);
            }
            catch
            {
                await swtpm.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            return swtpm;
        }
    }

    /// <summary>Asks swtpm to shut down cleanly (it saves its state), then makes sure the recorded
    /// pid is gone, killing it if it did not exit.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _runner.RunAsync("swtpm_ioctl", ["--tcp", $"127.0.0.1:{CtrlPort}", "-s"],
                TimeSpan.FromSeconds(5), check: false).ConfigureAwait(false);
        }
        catch (ProcessFailedException)
        {
            // swtpm_ioctl missing or hung: fall through and stop the pid ourselves.
        }
        var deadline = Stopwatch.StartNew();
        while (IsAlive(Pid) && deadline.Elapsed < TimeSpan.FromSeconds(5))
            await Task.Delay(10).ConfigureAwait(false);
        if (!IsAlive(Pid)) return;
        try
        {
            using var p = Process.GetProcessById(Pid);
            p.Kill();
        }
        catch (ArgumentException)
        {
            // already gone
        }
    }

    /// <summary>A zombie (state Z) counts as gone: its parent (init in a container) reaps it later.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state != 'Z' && state != 'X';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static async Task<int> WaitForPidAsync(string pidFile, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < ReadyTimeout)
        {
            if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile, ct).ConfigureAwait(false)).Trim(), out var pid))
                return pid;
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
        throw new TimeoutException($"swtpm did not write its pid file {pidFile} within {ReadyTimeout.TotalSeconds:0} s");
    }

    private static async Task WaitForPortAsync(int port, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port, ct).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (sw.Elapsed < ReadyTimeout)
            {
                await Task.Delay(10, ct).ConfigureAwait(false);
            }
        }
    }
}
