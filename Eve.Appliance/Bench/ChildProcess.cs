using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Eve.Appliance.Bench;

/// <summary>
/// This executable started again as a child (`eve-appliance run`, `controller`, the baseline server),
/// for benchmarks that measure a separate process: its pid for /proc, its log lines with the time
/// since start, and a stop by that pid (SIGTERM, then SIGKILL).
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _sinceStart;
    private readonly List<(TimeSpan At, string Line)> _lines = [];

    private ChildProcess(Process process, Stopwatch sinceStart)
    {
        _process = process;
        _sinceStart = sinceStart;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public static ChildProcess StartSelf(params string[] args)
    {
        // The apphost beside the assembly when there is one, else `dotnet eve-appliance.dll`.
        var apphost = Path.Combine(AppContext.BaseDirectory, "eve-appliance");
        var psi = File.Exists(apphost) ? new ProcessStartInfo(apphost) : new ProcessStartInfo("dotnet");
        if (!File.Exists(apphost)) psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "eve-appliance.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var sw = Stopwatch.StartNew();
        return new ChildProcess(Process.Start(psi) ?? throw new InvalidOperationException($"could not start {psi.FileName}"), sw);
    }

    public string Output
    {
        get { lock (_lines) return string.Join('\n', _lines.Select(l => l.Line)); }
    }

    /// <summary>Time from start to the first output line containing <paramref name="text"/>.</summary>
    public async Task<TimeSpan> WaitForLineAsync(string text, TimeSpan limit, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            lock (_lines)
            {
                foreach (var (at, line) in _lines)
                    if (line.Contains(text, StringComparison.Ordinal)) return at;
            }
            if (_process.HasExited) break;
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
        var tail = string.Join('\n', Output.Split('\n').TakeLast(15));
        throw new TimeoutException($"pid {Pid} did not print '{text}' within {limit.TotalSeconds:0} s{(_process.HasExited ? $" (exited with {_process.ExitCode})" : "")}; last output:\n{tail}");
    }

    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        _ = Kill(_process.Id, 15);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _ = Kill(_process.Id, 9);
            _process.WaitForExit(10_000);
        }
    }

    private void Add(string? line)
    {
        if (line == null) return;
        lock (_lines) _lines.Add((_sinceStart.Elapsed, line));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 9);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
