using System.Diagnostics;
using System.Globalization;
using Eve.Appliance.Platform.Files;
using Eve.Appliance.Platform.Processes;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Agent.DebugAccess;

/// <summary>
/// Supervises the debug sshd: <c>sshd -D -e -f persist/ssh/sshd_config</c> in the foreground as the
/// agent's child (its log lines, logins included, go to the agent's log), its pid recorded in
/// persist/ssh/sshd.pid. Host key made once by ssh-keygen and kept in the persist folder, so the
/// device's ssh fingerprint survives reboots and updates. Stopping kills the recorded process and
/// its sessions; an sshd left by a previous agent run is recognised by pid and command line and
/// stopped before a new one starts. Short-lived commands (ssh-keygen, <c>sshd -t</c>) go through
/// the process runner; the daemon itself needs a live process handle, so it is started here.
/// </summary>
internal sealed class SshDaemon(string sshDir, SshdSettings settings, IProcessRunner runner, ILogger log) : IDisposable
{
    private static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(30);
    private readonly Lock _lock = new();
    private Process? _process;
    private string? _runningConfig;
    private TaskCompletionSource _exited = NewExited();

    public string ConfigFile => Path.Combine(sshDir, "sshd_config");
    public string HostKeyFile => Path.Combine(sshDir, "ssh_host_ed25519_key");
    public string PidFile => Path.Combine(sshDir, "sshd.pid");

    /// <summary>The running sshd's pid, or null.</summary>
    public int? Pid
    {
        get
        {
            lock (_lock) return _process is { HasExited: false } p ? p.Id : null;
        }
    }

    /// <summary>Completes when the sshd started last exits (the supervisor then starts it again).</summary>
    public Task Exited
    {
        get
        {
            lock (_lock) return _exited.Task;
        }
    }

    /// <summary>Starts sshd unless ours is running with the same config; restarts one that died.</summary>
    public async Task EnsureRunningAsync(string authorizedKeys, CancellationToken ct)
    {
        if (!File.Exists(settings.SshdPath))
            throw new SshdException($"no sshd at {settings.SshdPath}: this device cannot offer debug ssh (the image needs Debian's openssh-server)");
        await EnsureHostKeyAsync(ct).ConfigureAwait(false);
        var config = SshdConfig.Render(settings, HostKeyFile, authorizedKeys);
        lock (_lock)
        {
            if (_process is { HasExited: false } && _runningConfig == config) return;
            if (_process is { HasExited: true } dead)
                log.LogWarning("sshd (pid {Pid}) exited with code {Code}; starting it again", dead.Id, dead.ExitCode);
        }
        await StopAsync(ct).ConfigureAwait(false);
        AtomicFile.WriteText(ConfigFile, config, AtomicFile.Private);
        Directory.CreateDirectory(settings.PrivsepDir);
        try
        {
            await runner.RunAsync(settings.SshdPath, ["-t", "-f", ConfigFile], TimeSpan.FromSeconds(30), ct: ct).ConfigureAwait(false);
        }
        catch (ProcessFailedException e)
        {
            throw new SshdException($"sshd refuses its config {ConfigFile}: {e.StderrTail.Trim()}");
        }
        await StartAsync(config, ct).ConfigureAwait(false);
    }

    private async Task StartAsync(string config, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(settings.SshdPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-D", "-e", "-f", ConfigFile }) psi.ArgumentList.Add(a);
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tail = new Queue<string>();
        var exited = NewExited();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (tail)
            {
                tail.Enqueue(e.Data);
                if (tail.Count > 10) tail.Dequeue();
            }
            if (e.Data.StartsWith("Server listening on", StringComparison.Ordinal)) ready.TrySetResult();
            log.LogInformation("sshd: {Line}", e.Data);
        };
        process.Exited += (_, _) =>
        {
            ready.TrySetResult();
            exited.TrySetResult();
        };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        lock (_lock)
        {
            _process = process;
            _runningConfig = config;
            _exited = exited;
        }
        AtomicFile.WriteText(PidFile, process.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        await ready.Task.WaitAsync(ReadyWait, ct).ConfigureAwait(false);
        if (process.HasExited)
        {
            process.WaitForExit(); // drains stderr, so the reason is in the tail
            string why;
            lock (tail) why = string.Join(" | ", tail);
            throw new SshdException($"sshd on {settings.Listen} exited at start (code {process.ExitCode}): {why}");
        }
        log.LogInformation("debug sshd running (pid {Pid}) on {Listen}, keys from {Keys}", process.Id, settings.Listen, SshdConfigKeys(config));
    }

    /// <summary>Stops the sshd whose pid was recorded (ours, or one left by an earlier run) and its
    /// sessions. True when one was running.</summary>
    public async Task<bool> StopAsync(CancellationToken ct)
    {
        Process? process;
        lock (_lock)
        {
            process = _process;
            _process = null;
            _runningConfig = null;
            _exited = NewExited(); // a stopped sshd is not one to restart
        }
        var pid = process?.Id ?? RecordedPid();
        var stopped = false;
        if (pid is { } p && (process is { HasExited: false } || (process == null && IsOurSshd(p))))
        {
            try
            {
                using var target = process == null ? Process.GetProcessById(p) : null;
                // The whole tree: the listener and the sessions it forked (a disabled remote access
                // must also end the shells already open).
                (process ?? target!).Kill(entireProcessTree: true);
                stopped = true;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone between the check and the kill.
            }
            if (process != null) await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
            log.LogInformation("debug sshd stopped (pid {Pid})", p);
        }
        process?.Dispose();
        if (File.Exists(PidFile)) File.Delete(PidFile);
        return stopped;
    }

    private async Task EnsureHostKeyAsync(CancellationToken ct)
    {
        if (File.Exists(HostKeyFile) && File.Exists(HostKeyFile + ".pub")) return;
        Directory.CreateDirectory(sshDir);
        File.SetUnixFileMode(sshDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Delete(HostKeyFile);
        File.Delete(HostKeyFile + ".pub");
        try
        {
            await runner.RunAsync(settings.SshKeygenPath, ["-q", "-t", "ed25519", "-N", "", "-C", "eve-appliance debug sshd", "-f", HostKeyFile],
                TimeSpan.FromSeconds(30), ct: ct).ConfigureAwait(false);
        }
        catch (ProcessFailedException e)
        {
            throw new SshdException($"cannot make the sshd host key {HostKeyFile}: {e.StderrTail.Trim()}");
        }
        var fingerprint = await runner.RunAsync(settings.SshKeygenPath, ["-l", "-f", HostKeyFile + ".pub"], ct: ct).ConfigureAwait(false);
        log.LogInformation("made the debug sshd host key: {Fingerprint}", fingerprint.Stdout.Trim());
    }

    private int? RecordedPid() =>
        File.Exists(PidFile) && int.TryParse(File.ReadAllText(PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    /// <summary>A recorded pid may be stale and reused: only a live sshd started with our config
    /// counts. sshd rewrites its command line ("sshd: /usr/sbin/sshd -D -e -f FILE [listener] …"),
    /// so the arguments are matched as one string.</summary>
    private bool IsOurSshd(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            if (stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0] is "Z" or "X") return false;
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            var program = cmdline.Split(' ', 2)[0].TrimEnd(':');
            return Path.GetFileName(program) == "sshd" && cmdline.Contains($"-f {ConfigFile}", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string SshdConfigKeys(string config) =>
        config.Split('\n').FirstOrDefault(l => l.StartsWith("AuthorizedKeysFile ", StringComparison.Ordinal))?["AuthorizedKeysFile ".Length..] ?? "?";

    private static TaskCompletionSource NewExited() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose()
    {
        lock (_lock) _process?.Dispose();
    }
}
