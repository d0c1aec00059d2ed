using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eve.Appliance.Platform.Processes;

/// <summary>Runs host commands with argv (never a shell), logs each, enforces a timeout, keeps the
/// stderr tail, and turns failure into <see cref="ProcessFailedException"/>.</summary>
internal sealed class ProcessRunner(ILogger<ProcessRunner>? logger = null) : IProcessRunner
{
    private const int StderrTailChars = 2000;
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private readonly ILogger _log = logger ?? NullLogger<ProcessRunner>.Instance;

    public static ProcessRunner Default { get; } = new();

    public async Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> args, TimeSpan? timeout = null,
        string? stdin = null, bool check = true, CancellationToken ct = default)
    {
        var command = Describe(file, args);
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin != null,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        _log.LogDebug("run {Command}", command);

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new ProcessFailedException(command, -1, $"cannot start {file}: {e.Message} (is the package installed? run scripts/setup)");
        }
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (stdin != null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), ct).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(timeoutCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            throw new ProcessFailedException(command, -1, Tail(await stderr.ConfigureAwait(false)), timedOut: true);
        }
        var result = new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        if (check && result.ExitCode != 0)
        {
            _log.LogDebug("{Command} exit {Code}: {Stderr}", command, result.ExitCode, Tail(result.Stderr));
            throw new ProcessFailedException(command, result.ExitCode, Tail(result.Stderr));
        }
        return result;
    }

    public static string Describe(string file, IEnumerable<string> args)
    {
        var sb = new StringBuilder(file);
        foreach (var a in args)
        {
            sb.Append(' ');
            sb.Append(a.Length == 0 || a.Any(char.IsWhiteSpace) ? $"'{a}'" : a);
        }
        return sb.ToString();
    }

    private static string Tail(string s) => s.Length <= StderrTailChars ? s : s[^StderrTailChars..];
}
