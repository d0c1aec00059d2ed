using System.Globalization;
using System.Text.Json;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Platform.Qemu;

/// <summary>qemu-img through the process runner: the volume operations an app needs.</summary>
internal sealed class QemuImg(IProcessRunner runner, string binary = "qemu-img")
{
    private static readonly TimeSpan QuickTimeout = TimeSpan.FromSeconds(60);
    // Converting a multi-GB image on a slow disk takes a while.
    private static readonly TimeSpan ConvertTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Image facts. <paramref name="forceShare"/> (-U) reads an image a running VM holds locked.</summary>
    public async Task<QemuImageInfo> InfoAsync(string path, bool forceShare = false, CancellationToken ct = default)
    {
        var args = new List<string> { "info", "--output=json" };
        if (forceShare) args.Add("-U");
        args.Add(path);
        var r = await runner.RunAsync(binary, args, QuickTimeout, ct: ct).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(r.Stdout);
        var e = doc.RootElement;
        return new QemuImageInfo(path,
            e.GetProperty("format").GetString() ?? "",
            e.GetProperty("virtual-size").GetInt64(),
            e.TryGetProperty("actual-size", out var a) ? a.GetInt64() : 0,
            e.TryGetProperty("backing-filename", out var b) ? b.GetString() : null,
            e.TryGetProperty("backing-filename-format", out var bf) ? bf.GetString() : null);
    }

    /// <summary>A qcow2 overlay whose reads fall through to <paramref name="backingFile"/>; the
    /// backing format is mandatory (QEMU 7.2 refuses to probe it, a security measure).
    /// <paramref name="sizeBytes"/> null keeps the base's virtual size.</summary>
    public Task CreateOverlayAsync(string overlay, string backingFile, QemuImageFormat backingFormat,
        long? sizeBytes = null, CancellationToken ct = default)
    {
        var args = new List<string> { "create", "-q", "-f", "qcow2", "-F", backingFormat.ToQemu(), "-b", Path.GetFullPath(backingFile), overlay };
        if (sizeBytes is { } s) args.Add(Size(s));
        return runner.RunAsync(binary, args, QuickTimeout, ct: ct);
    }

    public Task CreateBlankAsync(string path, QemuImageFormat format, long sizeBytes, CancellationToken ct = default) =>
        runner.RunAsync(binary, ["create", "-q", "-f", format.ToQemu(), path, Size(sizeBytes)], QuickTimeout, ct: ct);

    public Task ConvertAsync(string source, string destination, QemuImageFormat destinationFormat = QemuImageFormat.Raw,
        QemuImageFormat? sourceFormat = null, CancellationToken ct = default)
    {
        var args = new List<string> { "convert", "-q" };
        if (sourceFormat is { } sf) args.AddRange(["-f", sf.ToQemu()]);
        args.AddRange(["-O", destinationFormat.ToQemu(), source, destination]);
        return runner.RunAsync(binary, args, ConvertTimeout, ct: ct);
    }

    /// <summary>Grows an image. Shrinking loses guest data, so it is refused here rather than passed
    /// to qemu-img with --shrink.</summary>
    public async Task ResizeAsync(string path, long sizeBytes, CancellationToken ct = default)
    {
        var info = await InfoAsync(path, ct: ct).ConfigureAwait(false);
        if (sizeBytes < info.VirtualSizeBytes)
            throw new InvalidOperationException(
                $"resize {path} to {sizeBytes} B: smaller than its {info.VirtualSizeBytes} B and would cut guest data; give a size of at least {info.VirtualSizeBytes} B");
        if (sizeBytes == info.VirtualSizeBytes) return;
        await runner.RunAsync(binary, ["resize", "-q", "-f", info.Format, path, Size(sizeBytes)], QuickTimeout, ct: ct).ConfigureAwait(false);
    }

    public async Task<QemuImageCheck> CheckAsync(string path, CancellationToken ct = default)
    {
        // Exit 2 = corruptions, 3 = leaks only: both still print the JSON report.
        var r = await runner.RunAsync(binary, ["check", "--output=json", path], QuickTimeout, check: false, ct: ct).ConfigureAwait(false);
        if (r.ExitCode is not (0 or 2 or 3) || r.Stdout.Length == 0)
            throw new ProcessFailedException(ProcessRunner.Describe(binary, ["check", "--output=json", path]), r.ExitCode, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var e = doc.RootElement;
        var corruptions = e.TryGetProperty("corruptions", out var c) ? c.GetInt64() : 0;
        var leaks = e.TryGetProperty("leaks", out var l) ? l.GetInt64() : 0;
        return new QemuImageCheck(path, corruptions, leaks, corruptions == 0 && r.ExitCode != 2);
    }

    private static string Size(long bytes) => bytes.ToString(CultureInfo.InvariantCulture);
}
