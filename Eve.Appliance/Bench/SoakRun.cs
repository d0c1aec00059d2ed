using System.Text;
using Eve.Appliance.Api;
using Eve.Appliance.Cli;
using Eve.Appliance.Platform.Qemu;
using Eve.Appliance.Sim;
using Org.Lfedge.Eve.Config;
using static System.FormattableString;

namespace Eve.Appliance.Bench;

/// <summary>
/// `eve-appliance soak`: the whole appliance (`run`, a separate process) with one VM app running and
/// a simulated fleet posting at EVE's timers × speed-up, for minutes here and hours where there is
/// time. Every 10 s it samples the appliance's and QEMU's RSS, open fds and threads into a CSV, and
/// at the end reports growth: first vs last minute and a least-squares slope per hour. Growth is
/// reported, not judged: a short soak on a busy machine is noisy, and the reader compares runs.
/// </summary>
internal static class SoakRun
{
    public sealed record Settings(TimeSpan Duration, int Devices, double Speedup, string OutDir, TimeSpan SampleEvery);

    public sealed record Sample(double Seconds, long RssBytes, int Fds, int Threads, long QemuRssBytes);

    public static async Task<bool> RunAsync(TextWriter o, Settings s, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("evasoak-").FullName;
        var data = Path.Combine(dir, "data");
        var port = SpineBench.FreePort();
        using var appliance = ChildProcess.StartSelf("run", "--data-dir", data, "--listen", $"127.0.0.1:{port}");
        try
        {
            await appliance.WaitForLineAsync("controller listening on", TimeSpan.FromMinutes(2), ct).ConfigureAwait(false);
            using var admin = new AdminClient(data);
            var deviceId = await OwnDeviceAsync(admin, ct).ConfigureAwait(false);
            var qemuPid = await StartAppAsync(admin, deviceId, data, ct).ConfigureAwait(false);
            o.WriteLine(Invariant($"soak: appliance pid {appliance.Pid}, VM app running (QEMU pid {qemuPid}), {s.Devices} simulated devices at speed-up {s.Speedup:0.##}, {s.Duration.TotalMinutes:0.#} min"));

            var samples = new List<Sample>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sampler = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    if (Read(appliance.Pid, qemuPid, clock.Elapsed.TotalSeconds) is { } sample) lock (samples) samples.Add(sample);
                    try { await Task.Delay(s.SampleEvery, stop.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { return; }
                }
            }, CancellationToken.None);
            var sim = await new FleetSimulator(new SimOptions
            {
                Devices = s.Devices,
                BootstrapDir = Path.Combine(data, "bootstrap"),
                Mode = SimMode.Fleet,
                Speedup = s.Speedup,
                Duration = s.Duration,
                ControllerPid = appliance.Pid,
                Connections = 16,
            }).RunAsync(ct).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await sampler.ConfigureAwait(false);
            if (Read(appliance.Pid, qemuPid, clock.Elapsed.TotalSeconds) is { } last) samples.Add(last);

            sim.WriteText(o);
            Directory.CreateDirectory(s.OutDir);
            var csv = Path.Combine(s.OutDir, $"soak-{DateTime.UtcNow:yyyyMMddTHHmmssZ}.csv");
            await File.WriteAllTextAsync(csv, Csv(samples), ct).ConfigureAwait(false);
            o.WriteLine();
            foreach (var line in Growth(samples)) o.WriteLine(line);
            o.WriteLine($"samples: {csv}");
            var qemuAlive = File.Exists($"/proc/{qemuPid}/stat");
            o.WriteLine(qemuAlive ? "VM app still running at the end" : "VM app is GONE at the end");
            return sim.Errors == 0 && qemuAlive && !appliance.HasExited;
        }
        finally
        {
            await appliance.StopAsync().ConfigureAwait(false);
            StopQemuLeftovers(data);
            KeepLogs(data, s.OutDir);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> OwnDeviceAsync(AdminClient admin, CancellationToken ct)
    {
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await admin.GetAsync("admin/devices").ConfigureAwait(false))?.AsArray() is { Count: > 0 } list)
                    return list[0]!["id"]!.GetValue<string>();
            }
            catch (Exception e) when (e is HttpRequestException or ControllerNotRunningException or IOException)
            {
                // Not up yet.
            }
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
        throw new TimeoutException("soak: the appliance's own device did not onboard within 2 minutes");
    }

    /// <summary>The test guest as a VM app through the built-in datastore; waits for its QEMU.</summary>
    private static async Task<int> StartAppAsync(AdminClient admin, string deviceId, string data, CancellationToken ct)
    {
        var guest = BenchFiles.GuestDir();
        var images = new List<(string Sha, string Fqdn, string Dpath)>();
        foreach (var file in new[] { "vmlinuz", "initramfs.gz", "disk.qcow2" })
        {
            var r = (await admin.PostAsync("admin/images", new { path = Path.Combine(guest, file) }).ConfigureAwait(false))!;
            images.Add((r["sha256"]!.GetValue<string>(), r["datastore"]!["fqdn"]!.GetValue<string>(), r["datastore"]!["dpath"]!.GetValue<string>()));
        }
        var config = ProtoRegistry.CanonicalJsonParser.Parse<EdgeDevConfig>((await admin.GetAsync($"admin/devices/{deviceId}/config").ConfigureAwait(false))!["config"]!.ToJsonString());
        AppBench.AddApp(config, Guid.NewGuid(), images);
        await admin.PutTextAsync($"admin/devices/{deviceId}/config", ProtoRegistry.CanonicalJson.Format(config)).ConfigureAwait(false);
        for (var i = 0; i < 1500; i++)
        {
            if (QemuPids(data).FirstOrDefault() is var pid and > 0) return pid;
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
        throw new TimeoutException("soak: the VM app's QEMU did not start within 5 minutes");
    }

    /// <summary>The appliance's own log files go beside the samples: a soak's errors are only worth
    /// something if the reasons survive the run's temporary folder.</summary>
    private static void KeepLogs(string data, string outDir)
    {
        var logs = Path.Combine(data, "logs");
        if (!Directory.Exists(logs)) return;
        var to = Path.Combine(outDir, $"logs-{DateTime.UtcNow:yyyyMMddTHHmmssZ}");
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(logs)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }

    /// <summary>QEMU processes started for this data folder, by their pidfiles under it.</summary>
    private static IEnumerable<int> QemuPids(string data) =>
        Directory.EnumerateFiles(data, "*.pid", SearchOption.AllDirectories)
            .Select(f => int.TryParse(File.ReadAllText(f).Trim(), out var p) ? p : 0)
            .Where(p => p > 0 && File.Exists($"/proc/{p}/comm") && File.ReadAllText($"/proc/{p}/comm").StartsWith("qemu", StringComparison.Ordinal));

    private static void StopQemuLeftovers(string data)
    {
        if (!Directory.Exists(data)) return;
        foreach (var pid in QemuPids(data).ToList())
        {
            if (LinuxProcess.ReadCmdline(pid).Any(a => a.Contains(data, StringComparison.Ordinal)) && ProcStat.TryRead(pid) is { IsGone: false } stat)
                LinuxProcess.Kill(pid, stat.StartTicks);
        }
    }

    /// <summary>RSS from the same /proc reader the fleet simulator uses; fds and threads beside it.</summary>
    private static Sample? Read(int pid, int qemuPid, double seconds)
    {
        if (ProcessUsage.TryRead(pid) is not { } usage) return null; // the process is gone; the caller reports it
        try
        {
            var fds = Directory.GetFiles($"/proc/{pid}/fd").Length;
            var threads = Directory.GetDirectories($"/proc/{pid}/task").Length;
            return new Sample(seconds, usage.RssBytes, fds, threads, ProcessUsage.TryRead(qemuPid)?.RssBytes ?? 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string Csv(IReadOnlyList<Sample> samples)
    {
        var sb = new StringBuilder("seconds,rss_bytes,fds,threads,qemu_rss_bytes\n");
        foreach (var x in samples) sb.Append(Invariant($"{x.Seconds:0.0},{x.RssBytes},{x.Fds},{x.Threads},{x.QemuRssBytes}\n"));
        return sb.ToString();
    }

    /// <summary>First minute vs last minute and the least-squares slope per hour, per series.</summary>
    public static IEnumerable<string> Growth(IReadOnlyList<Sample> samples)
    {
        if (samples.Count < 2)
        {
            yield return "growth: too few samples";
            yield break;
        }
        yield return Line("appliance RSS", samples, x => x.RssBytes / 1048576.0, "MiB");
        yield return Line("appliance fds", samples, x => x.Fds, "");
        yield return Line("appliance threads", samples, x => x.Threads, "");
        yield return Line("QEMU RSS", samples, x => x.QemuRssBytes / 1048576.0, "MiB");
    }

    private static string Line(string name, IReadOnlyList<Sample> samples, Func<Sample, double> value, string unit)
    {
        var end = samples[^1].Seconds;
        var first = samples.Where(x => x.Seconds <= samples[0].Seconds + 60).Select(value).Average();
        var last = samples.Where(x => x.Seconds >= end - 60).Select(value).Average();
        return Invariant($"{name,-18} first minute {first,9:0.0} {unit,-3} last minute {last,9:0.0} {unit,-3} slope {Slope(samples, value) * 3600,9:0.0} {unit}/h");
    }

    public static double Slope(IReadOnlyList<Sample> samples, Func<Sample, double> value)
    {
        var n = samples.Count;
        var mx = samples.Average(x => x.Seconds);
        var my = samples.Average(value);
        var sxx = samples.Sum(x => (x.Seconds - mx) * (x.Seconds - mx));
        return sxx == 0 ? 0 : samples.Sum(x => (x.Seconds - mx) * (value(x) - my)) / sxx;
    }
}
