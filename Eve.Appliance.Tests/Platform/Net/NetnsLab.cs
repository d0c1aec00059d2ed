using System.Diagnostics;
using System.Globalization;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Tests.Platform.Net;

/// <summary>Network namespaces, links and helper processes for one test, all with unique names, all
/// removed by <see cref="DisposeAsync"/> (processes by the pid recorded here, then the namespaces, then
/// the temp dir) — also when the test failed. Nothing touches the host's own interfaces.</summary>
internal sealed class NetnsLab : IAsyncDisposable
{
    private static int _nextSubnet = Random.Shared.Next(0, 200);
    private readonly List<string> _namespaces = [];
    private readonly List<Process> _processes = [];
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    public NetnsLab()
    {
        Dir = Path.Combine(Path.GetTempPath(), $"eve-netlab-{_suffix}");
        Directory.CreateDirectory(Dir);
    }

    public IProcessRunner Runner { get; } = ProcessRunner.Default;

    public string Dir { get; }

    /// <summary>A /24 third octet no other lab in this test run uses, for "10.98.N.0/24"-style subnets.</summary>
    public static int UniqueOctet() => Interlocked.Increment(ref _nextSubnet) % 250 + 1;

    public async Task<string> AddNetnsAsync(string role)
    {
        var name = $"eve-{role}-{_suffix}";
        await Runner.RunAsync("ip", ["netns", "add", name]);
        _namespaces.Add(name);
        await Runner.RunAsync("ip", ["-n", name, "link", "set", "lo", "up"]);
        return name;
    }

    /// <summary>A veth pair between two namespaces, both ends up, with the given addresses (or none).</summary>
    public async Task LinkAsync(string nsA, string ifA, string? cidrA, string nsB, string ifB, string? cidrB)
    {
        await Runner.RunAsync("ip", ["-n", nsA, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", nsB]);
        foreach (var (ns, ifn, cidr) in new[] { (nsA, ifA, cidrA), (nsB, ifB, cidrB) })
        {
            if (cidr != null) await Runner.RunAsync("ip", ["-n", ns, "addr", "add", cidr, "dev", ifn]);
            await Runner.RunAsync("ip", ["-n", ns, "link", "set", ifn, "up"]);
        }
    }

    public Task<ProcessResult> ExecAsync(string ns, string file, params string[] args) =>
        Runner.RunAsync("ip", ["netns", "exec", ns, file, .. args], TimeSpan.FromSeconds(30));

    public Task<ProcessResult> TryExecAsync(string ns, string file, params string[] args) =>
        Runner.RunAsync("ip", ["netns", "exec", ns, file, .. args], TimeSpan.FromSeconds(30), check: false);

    /// <summary>Starts a long-running helper (httpd, nc) in a namespace and records its pid for cleanup.</summary>
    public Process Start(string ns, string file, params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", ns, file }.Concat(args)) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        _processes.Add(p);
        return p;
    }

    /// <summary>A busybox httpd (foreground, recorded pid) serving <paramref name="body"/> as /index.html.</summary>
    public async Task StartHttpdAsync(string ns, string address, int port, string body)
    {
        var root = Path.Combine(Dir, $"www-{ns}-{port}-{address}");
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(Path.Combine(root, "index.html"), body);
        Start(ns, "busybox", "httpd", "-f", "-p", $"{address}:{port}", "-h", root);
        for (var i = 0; i < 100; i++)
        {
            if (await HttpGetAsync(ns, $"http://{address}:{port}/index.html", 1) != null) return;
            await Task.Delay(20);
        }
        throw new InvalidOperationException($"busybox httpd on {address}:{port} in {ns} did not answer");
    }

    /// <summary>HTTP GET from inside a namespace; the body, or null when the request failed or timed out.
    /// (curl, because busybox 1.35's <c>wget -T</c> crashes.)</summary>
    public async Task<string?> HttpGetAsync(string ns, string url, int timeoutSeconds = 2)
    {
        var r = await TryExecAsync(ns, "curl", "-s", "-f", "-m", timeoutSeconds.ToString(CultureInfo.InvariantCulture), url);
        return r.ExitCode == 0 ? r.Stdout : null;
    }

    /// <summary>Runs busybox udhcpc once on <paramref name="ifName"/>; returns the address it configured, or null.</summary>
    public async Task<string?> DhcpAsync(string ns, string ifName)
    {
        var script = Path.Combine(Dir, "udhcpc.script");
        if (!File.Exists(script))
        {
            await File.WriteAllTextAsync(script, """
                #!/bin/sh
                case "$1" in
                  bound|renew)
                    ip addr flush dev "$interface"
                    ip addr add "$ip/${mask:-24}" dev "$interface"
                    if [ -n "$router" ]; then ip route replace default via "${router%% *}"; fi
                    ;;
                esac
                exit 0

                """);
            if (OperatingSystem.IsLinux())
                File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var r = await TryExecAsync(ns, "busybox", "udhcpc", "-i", ifName, "-n", "-q", "-f", "-t", "5", "-T", "1", "-s", script);
        if (r.ExitCode != 0) return null;
        var addr = await ExecAsync(ns, "ip", "-4", "-o", "addr", "show", "dev", ifName);
        var f = addr.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var i = Array.IndexOf(f, "inet");
        return i >= 0 ? f[i + 1].Split('/')[0] : null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes)
        {
            try
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }
            p.Dispose();
        }
        foreach (var ns in _namespaces)
            await Runner.RunAsync("ip", ["netns", "del", ns], check: false);
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
