using System.Text.Json;

namespace Eve.Appliance.Platform.Qemu;

internal sealed partial class QmpClient
{
    public async Task<QmpStatus> QueryStatusAsync(CancellationToken ct = default)
    {
        var r = await ExecuteAsync("query-status", ct: ct).ConfigureAwait(false);
        return new QmpStatus(
            r.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "",
            r.TryGetProperty("running", out var run) && run.ValueKind == JsonValueKind.True);
    }

    public async Task<IReadOnlyList<QmpBlockStats>> QueryBlockStatsAsync(CancellationToken ct = default)
    {
        var r = await ExecuteAsync("query-blockstats", ct: ct).ConfigureAwait(false);
        var list = new List<QmpBlockStats>();
        if (r.ValueKind != JsonValueKind.Array) return list;
        foreach (var e in r.EnumerateArray())
        {
            var stats = e.TryGetProperty("stats", out var st) ? st : default;
            list.Add(new QmpBlockStats(
                Str(e, "device") ?? Str(e, "node-name") ?? "",
                Str(e, "qdev"),
                Num(stats, "rd_bytes"), Num(stats, "wr_bytes"),
                Num(stats, "rd_operations"), Num(stats, "wr_operations"), Num(stats, "flush_operations")));
        }
        return list;
    }

    /// <summary>Presses the ACPI power button; the guest decides whether and when to power off.</summary>
    public Task SystemPowerdownAsync(CancellationToken ct = default) => ExecuteAsync("system_powerdown", ct: ct);

    public Task StopAsync(CancellationToken ct = default) => ExecuteAsync("stop", ct: ct);

    public Task ContAsync(CancellationToken ct = default) => ExecuteAsync("cont", ct: ct);

    public Task SystemResetAsync(CancellationToken ct = default) => ExecuteAsync("system_reset", ct: ct);

    public Task ChangeVncPasswordAsync(string password, CancellationToken ct = default) =>
        ExecuteAsync("change-vnc-password", w => w.WriteString("password"u8, password), ct: ct);

    /// <summary>Asks QEMU to exit now. QEMU may close the socket before or after its reply; both mean
    /// the command was taken.</summary>
    public async Task QuitAsync(CancellationToken ct = default)
    {
        try
        {
            await ExecuteAsync("quit", ct: ct).ConfigureAwait(false);
        }
        catch (QmpException e) when (e.Kind == QmpErrorKind.Closed && _closed.Task.IsCompleted)
        {
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;
}
