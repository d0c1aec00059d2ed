using System.Globalization;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Debian's dhcpcd (package <c>dhcpcd-base</c>), one per port, for DHCPv4 and DHCPv6 (IA_NA);
/// SLAAC stays with the kernel (<c>--noipv6rs</c>). dhcpcd keeps its pid file, control socket and leases
/// in the fixed folders <c>/run/dhcpcd</c> and <c>/var/lib/dhcpcd</c>; each instance therefore runs in the
/// private mount namespace that <c>ip netns exec</c> gives it, with both folders bound to
/// <c>RUN/dhcpcd-IF/{run,db}</c> — so ports of the same name in different namespaces never share a file,
/// and nothing of the host's dhcpcd state is touched. It runs per interface (not in manager mode), is
/// stopped by the pid it wrote there, and its hook script (<see cref="HookScript"/>) writes each family's
/// lease as <c>key=value</c> lines to <c>RUN/lease4-IF</c> and <c>RUN/lease6-IF</c> for
/// <see cref="PortLease"/>.</summary>
internal sealed class DhcpcdClient(IProcessRunner runner, string netns, string runDir)
{
    public const string Binary = "/usr/sbin/dhcpcd";

    // The binds only exist in the process's own mount namespace; mkdir creates empty mount points
    // (the package ships /var/lib/dhcpcd, not /run/dhcpcd). /etc/resolv.conf gets a private file too:
    // `ip netns exec` shares the host's /etc, and a dhcpcd that ran its stock hooks once rewrote the
    // build machine's own resolver config. We read DNS from our hook; nothing of the host's is touched.
    private const string InPrivateFolders =
        "mkdir -p /run/dhcpcd /var/lib/dhcpcd && mount --bind \"$1\" /run/dhcpcd && mount --bind \"$2\" /var/lib/dhcpcd" +
        " && : > \"$1/resolv.conf\" && mount --bind \"$1/resolv.conf\" /etc/resolv.conf && shift 2 && exec \"$@\"";

    public string PortDir(string ifName) => Path.Combine(runDir, $"dhcpcd-{ifName}");

    public string PidFile(string ifName) => Path.Combine(PortDir(ifName), "run", $"{ifName}.pid");

    /// <summary>Starts dhcpcd on <paramref name="ifName"/>; it forks into the background at once (<c>-b</c>)
    /// so applying never waits for a lease — the DPC test does, within <c>timer.port.testduration</c>.</summary>
    public async Task StartAsync(string ifName, int metric, CancellationToken ct)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"{Binary} is missing: install Debian's dhcpcd-base to run DHCP on {ifName}");
        await StopAsync(ifName, ct).ConfigureAwait(false);
        var dir = PortDir(ifName);
        Directory.CreateDirectory(Path.Combine(dir, "run"));
        Directory.CreateDirectory(Path.Combine(dir, "db"));
        var hook = WriteHook();
        var log = Path.Combine(dir, "dhcpcd.log");
        string[] dhcpcd =
        [
            // -L -A: no IPv4 link-local address when DHCPv4 is absent, no ARP probe of the offered
            // address (seconds per lease; the DPC test finds a conflict anyway).
            Binary, "-b", "-q", "-t", "0", "-L", "-A", "-f", WriteConfig(), "-c", hook, "-j", log,
            "-m", metric.ToString(CultureInfo.InvariantCulture),
            // Option 252 is the WPAD URL; the rest are what the port test and the resolver need.
            "-o", "domain_name_servers", "-o", "domain_name", "-o", "domain_search", "-o", "wpad_url",
            "--noipv6rs", "--ia_na=1", ifName,
        ];
        var (file, args) = NetnsCommand.Exec(netns, "sh",
            ["-c", InPrivateFolders, "sh", Path.Combine(dir, "run"), Path.Combine(dir, "db"), .. dhcpcd]);
        var r = await runner.RunAsync(file, args, TimeSpan.FromSeconds(20), check: false, ct: ct).ConfigureAwait(false);
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"dhcpcd on {ifName} in namespace {netns} did not start (exit {r.ExitCode}): {(r.Stderr + r.Stdout).Trim()} {Tail(log)}");
    }

    /// <summary>What the running dhcpcd holds for the port (<c>dhcpcd --dumplease</c> through its control
    /// socket): one block of <c>key=value</c> lines per protocol (link, dhcp, dhcp6). Empty when none runs.</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> DumpLeaseAsync(string ifName, CancellationToken ct)
    {
        var dir = PortDir(ifName);
        if (!File.Exists(PidFile(ifName))) return [];
        var (file, args) = NetnsCommand.Exec(netns, "sh",
            ["-c", InPrivateFolders, "sh", Path.Combine(dir, "run"), Path.Combine(dir, "db"), Binary, "--dumplease", ifName]);
        var r = await runner.RunAsync(file, args, TimeSpan.FromSeconds(10), check: false, ct: ct).ConfigureAwait(false);
        if (r.ExitCode != 0) return [];
        var blocks = new List<IReadOnlyDictionary<string, string>>();
        foreach (var block in r.Stdout.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            blocks.Add(PortLease.ParseVariables(block));
        return blocks;
    }

    public async Task StopAsync(string ifName, CancellationToken ct)
    {
        var pidFile = PidFile(ifName);
        // dhcpcd holds a lock on its pid file, which .NET's own file reading honours (and fails on): cat does not.
        if (File.Exists(pidFile)
            && await runner.RunAsync("cat", [pidFile], check: false, ct: ct).ConfigureAwait(false) is { ExitCode: 0 } read
            && int.TryParse(read.Stdout.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && await IsOursAsync(pid, ifName, ct).ConfigureAwait(false))
        {
            // SIGTERM (not .NET's Kill, which is SIGKILL): dhcpcd then stops its privilege-separated
            // helpers itself. Whatever is still left of its session after that is killed too — they
            // would otherwise live on, orphaned, in a namespace nobody uses any more.
            await runner.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)], check: false, ct: ct).ConfigureAwait(false);
            await WaitGoneAsync(pid, ct).ConfigureAwait(false);
            foreach (var helper in SessionMembers(pid))
            {
                await runner.RunAsync("kill", ["-KILL", helper.ToString(CultureInfo.InvariantCulture)], check: false, ct: ct).ConfigureAwait(false);
                await WaitGoneAsync(helper, ct).ConfigureAwait(false);
            }
        }
        foreach (var file in new[] { pidFile, Path.Combine(runDir, $"lease4-{ifName}"), Path.Combine(runDir, $"lease6-{ifName}") })
            if (File.Exists(file)) File.Delete(file);
    }

    /// <summary>Every dhcpcd this client started in <c>RUN</c>, by the pid files they wrote.</summary>
    public async Task StopAllAsync(CancellationToken ct)
    {
        if (!Directory.Exists(runDir)) return;
        foreach (var dir in Directory.GetDirectories(runDir, "dhcpcd-*"))
            await StopAsync(Path.GetFileName(dir)["dhcpcd-".Length..], ct).ConfigureAwait(false);
    }

    /// <summary>A recycled pid must not be killed: the process must be a dhcpcd for this port and live in
    /// our namespace (dhcpcd rewrites its command line to "dhcpcd: IF [ip4] [ip6]").</summary>
    private async Task<bool> IsOursAsync(int pid, string ifName, CancellationToken ct)
    {
        string? ns;
        try
        {
            var cmdline = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline", ct).ConfigureAwait(false)).Replace('\0', ' ');
            if (!cmdline.StartsWith("dhcpcd", StringComparison.Ordinal) && !cmdline.Contains(Binary, StringComparison.Ordinal)) return false;
            if (!cmdline.Contains(ifName, StringComparison.Ordinal)) return false;
            ns = new FileInfo($"/proc/{pid}/ns/net").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        // The namespace's inode (what /proc/PID/ns/net names) — .NET has no stat, coreutils does.
        var inode = await runner.RunAsync("stat", ["-L", "-c", "%i", $"/run/netns/{netns}"], check: false, ct: ct).ConfigureAwait(false);
        return ns != null && inode.ExitCode == 0 && ns == $"net:[{inode.Stdout.Trim()}]";
    }

    /// <summary>Processes whose session is <paramref name="leader"/>'s (dhcpcd calls setsid when it goes
    /// to the background, so its helpers share the daemon's pid as session id).</summary>
    private static List<int> SessionMembers(int leader)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == leader) continue;
            try
            {
                // /proc/PID/stat: "pid (comm) state ppid pgrp session …"; comm may hold spaces, hence after ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (f.Length > 3 && f[3] == leader.ToString(CultureInfo.InvariantCulture) && stat.Contains("(dhcpcd)", StringComparison.Ordinal))
                    result.Add(pid);
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }
        return result;
    }

    /// <summary>The daemon is not our child, and where PID 1 does not reap, it stays a zombie forever —
    /// which waiting on the process would never see end. Gone or zombie means stopped.</summary>
    private static async Task WaitGoneAsync(int pid, CancellationToken ct)
    {
        for (var i = 0; i < 250; i++)
        {
            string status;
            try
            {
                status = await File.ReadAllTextAsync($"/proc/{pid}/status", ct).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return;
            }
            if (status.Contains("State:\tZ", StringComparison.Ordinal)) return;
            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    private static string Tail(string log)
    {
        try
        {
            return File.Exists(log) ? $"(log: {string.Join(" | ", File.ReadLines(log).TakeLast(3))})" : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>No random start delay and no REBOOT phase with an old lease (straight to DISCOVER): a port
    /// being (re)applied gets its lease in about a second from a server that answers.</summary>
    private string WriteConfig()
    {
        Directory.CreateDirectory(runDir);
        var path = Path.Combine(runDir, "dhcpcd.conf");
        File.WriteAllText(path, "# written by eve-appliance (connectivity): options that have no command-line switch\nnodelay\nreboot 0\n" +
            "# never the host's resolver or time config, whatever hooks are installed\nnohook resolv.conf\nnohook timesyncd.conf\nnohook ntp.conf\n");
        return path;
    }

    /// <summary>dhcpcd's hook: what a lease says, per family, as <c>key=value</c> lines written atomically
    /// next to it; removed when the lease ends.</summary>
    private string WriteHook()
    {
        Directory.CreateDirectory(runDir);
        var path = Path.Combine(runDir, "dhcpcd.hook");
        File.WriteAllText(path, HookScript);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public const string HookScript = """
        #!/bin/sh
        dir="$(dirname "$0")"
        write() { cat > "$dir/$1-$interface.tmp" && mv "$dir/$1-$interface.tmp" "$dir/$1-$interface"; }
        case "$reason" in
          BOUND|RENEW|REBIND|REBOOT|STATIC|INFORM)
            printf 'ip_address=%s\nsubnet_cidr=%s\nrouters=%s\ndns=%s\ndomain=%s\nsearch=%s\nwpad_url=%s\n' \
              "$new_ip_address" "$new_subnet_cidr" "$new_routers" "$new_domain_name_servers" \
              "$new_domain_name" "$new_domain_search" "$new_wpad_url" | write lease4
            ;;
          BOUND6|RENEW6|REBIND6|REBOOT6|INFORM6)
            printf 'ia_addr=%s\ndns=%s\nsearch=%s\n' \
              "$new_dhcp6_ia_na1_ia_addr1" "$new_dhcp6_name_servers" "$new_dhcp6_domain_search" | write lease6
            ;;
          EXPIRE|NAK|RELEASE|STOP|NOCARRIER|DEPARTED) rm -f "$dir/lease4-$interface" ;;
          EXPIRE6|RELEASE6|STOP6) rm -f "$dir/lease6-$interface" ;;
        esac
        exit 0

        """;
}
