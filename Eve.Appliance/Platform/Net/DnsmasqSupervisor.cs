using System.Globalization;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Platform.Net;

/// <summary><see cref="IDnsmasqSupervisor"/> that starts <c>dnsmasq --conf-file=…</c> (daemonized, so it
/// writes its pid file and survives us), stops it by that pid, and recognises a running instance by
/// the hash written beside its config.</summary>
internal sealed class DnsmasqSupervisor(IProcessRunner runner, string runDir, TimeProvider? time = null) : IDnsmasqSupervisor
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string RunDir { get; } = runDir;

    public async Task<DnsmasqProcess> EnsureRunningAsync(DnsmasqConfig config, string? netns, CancellationToken ct)
    {
        var dir = InstanceDir(config.Instance);
        var hash = config.Hash(dir);
        var running = Find(config.Instance);
        if (running != null && running.ConfigHash == hash) return running with { Adopted = true };
        if (running != null) await StopAsync(config.Instance, ct).ConfigureAwait(false);

        Directory.CreateDirectory(dir);
        File.Delete(PidFile(dir));
        await File.WriteAllTextAsync(ConfFile(dir), config.Render(dir), ct).ConfigureAwait(false);
        await File.WriteAllTextAsync(HashFile(dir), hash, ct).ConfigureAwait(false);
        var (file, args) = NetnsCommand.Exec(netns, "dnsmasq", [$"--conf-file={ConfFile(dir)}"]);
        try
        {
            // dnsmasq's parent returns after the daemon has bound its sockets, or with the reason it could not.
            await runner.RunAsync(file, args, TimeSpan.FromSeconds(15), ct: ct).ConfigureAwait(false);
        }
        catch (ProcessFailedException e)
        {
            throw new InvalidOperationException(
                $"dnsmasq for network instance {config.Instance} on {config.Interface} did not start: {e.StderrTail.Trim()}", e);
        }
        for (var i = 0; i < 50; i++)
        {
            var started = Find(config.Instance);
            if (started != null) return started;
            await Task.Delay(20, ct).ConfigureAwait(false);
        }
        throw new InvalidOperationException(
            $"dnsmasq for network instance {config.Instance} started but wrote no pid file at {PidFile(dir)}; see {Path.Combine(dir, "dnsmasq.log")}");
    }

    public async Task<bool> StopAsync(string instance, CancellationToken ct)
    {
        var dir = InstanceDir(instance);
        var running = Find(instance);
        if (running != null)
        {
            await runner.RunAsync("kill", ["-TERM", running.Pid.ToString(CultureInfo.InvariantCulture)], check: false, ct: ct)
                .ConfigureAwait(false);
            var deadline = _time.GetUtcNow() + StopWait;
            while (IsOurDnsmasq(running.Pid, dir) && _time.GetUtcNow() < deadline)
                await Task.Delay(20, ct).ConfigureAwait(false);
            if (IsOurDnsmasq(running.Pid, dir))
                await runner.RunAsync("kill", ["-KILL", running.Pid.ToString(CultureInfo.InvariantCulture)], check: false, ct: ct)
                    .ConfigureAwait(false);
        }
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        return running != null;
    }

    public DnsmasqProcess? Find(string instance)
    {
        var dir = InstanceDir(instance);
        if (!File.Exists(PidFile(dir))) return null;
        if (!int.TryParse(File.ReadAllText(PidFile(dir)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            return null;
        if (!IsOurDnsmasq(pid, dir)) return null;
        var hash = File.Exists(HashFile(dir)) ? File.ReadAllText(HashFile(dir)).Trim() : "";
        return new DnsmasqProcess(instance, pid, hash, Adopted: false);
    }

    public IReadOnlyList<string> ListInstances() =>
        Directory.Exists(RunDir) ? [.. Directory.GetDirectories(RunDir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)] : [];

    public IReadOnlyList<DhcpLease> ReadLeases(string instance)
    {
        var file = Path.Combine(InstanceDir(instance), "dnsmasq.leases");
        if (!File.Exists(file)) return [];
        var leases = new List<DhcpLease>();
        foreach (var line in File.ReadAllLines(file))
        {
            var f = line.Split(' ');
            if (f.Length < 4 || !long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)) continue;
            leases.Add(new DhcpLease(DateTimeOffset.FromUnixTimeSeconds(expiry), f[1], f[2], f[3] == "*" ? null : f[3]));
        }
        return leases;
    }

    public string HashOf(DnsmasqConfig config) => config.Hash(InstanceDir(config.Instance));

    /// <summary>A pid file can outlive its process and the pid be reused; only a live (not zombie)
    /// dnsmasq whose command line names this instance's config counts.</summary>
    private static bool IsOurDnsmasq(int pid, string dir)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            if (state is "Z" or "X") return false;
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return cmdline.Length > 0 && Path.GetFileName(cmdline[0]) == "dnsmasq" &&
                cmdline.Contains($"--conf-file={ConfFile(dir)}");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private string InstanceDir(string instance)
    {
        if (instance.Length == 0 || instance.Contains('/') || instance.StartsWith('.'))
            throw new ArgumentException($"dnsmasq instance name '{instance}' must be a plain file name");
        return Path.Combine(RunDir, instance);
    }

    private static string ConfFile(string dir) => Path.Combine(dir, "dnsmasq.conf");
    private static string PidFile(string dir) => Path.Combine(dir, "dnsmasq.pid");
    private static string HashFile(string dir) => Path.Combine(dir, "config.sha256");
}
