using System.Text.Json.Nodes;
using Eve.Appliance.Cli;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

/// <summary>Reads a device's log lines matching a text from the controller's operator API,
/// incrementally (each call fetches only lines after the last one seen), so polling while a
/// controller ingests does not re-read everything and slow the ingest it waits for.</summary>
internal sealed class ControllerLogReader(string dataDir, string deviceId, string text)
{
    private long _after;

    public List<(string Content, string AppId)> Lines { get; } = [];

    public async Task<List<(string Content, string AppId)>> ReadAsync()
    {
        using var admin = new AdminClient(dataDir);
        while (true)
        {
            var page = (JsonArray)(await admin.GetAsync($"admin/devices/{deviceId}/logs?text={Uri.EscapeDataString(text)}&after={_after}&limit=5000"))!;
            if (page.Count == 0) return Lines;
            foreach (var l in page) Lines.Add((l!["content"]!.GetValue<string>(), l["appId"]?.GetValue<string>() ?? ""));
            _after = page[^1]!["id"]!.GetValue<long>();
        }
    }
}
