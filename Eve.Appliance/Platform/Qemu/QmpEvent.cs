using System.Text.Json;

namespace Eve.Appliance.Platform.Qemu;

/// <summary>An asynchronous QMP event (SHUTDOWN, POWERDOWN, STOP, RESUME, RESET, …). <see cref="Data"/>
/// is detached from the receive buffer, so it stays valid after the reader moves on.</summary>
internal sealed record QmpEvent(string Name, JsonElement? Data, DateTimeOffset Timestamp)
{
    /// <summary>The "reason" of a SHUTDOWN event ("guest-shutdown", "host-qmp-quit", "host-signal", …).</summary>
    public string? Reason =>
        Data is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String
            ? r.GetString()
            : null;
}
