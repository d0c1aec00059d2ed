using System.Text.Json;
using Eve.Appliance.Platform.Files;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>What the running agent last saw, written to <c>PERSIST/connectivity/status.json</c> for
/// <c>eve-appliance diag</c>: the DPC in use and why, the last error, and every port's verdict.</summary>
internal sealed record ConnectivityStatus(
    string? CurrentKey,
    string Why,
    string? LastError,
    string? ControllerPort,
    IReadOnlyList<PortState> Ports,
    DateTimeOffset UpdatedAt)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string PathIn(string persistDir) => System.IO.Path.Combine(persistDir, "connectivity", "status.json");

    public void Save(string persistDir) => AtomicFile.Write(PathIn(persistDir), JsonSerializer.SerializeToUtf8Bytes(this, Json), AtomicFile.Private);

    public static ConnectivityStatus? Load(string persistDir)
    {
        var path = PathIn(persistDir);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<ConnectivityStatus>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Why the DPC in use is the one in use, in words.</summary>
    public static string Explain(DpcManagerState s)
    {
        // A periodic retest of the DPC in use changes nothing about why it is in use.
        if (s.Phase == DpcPhase.Testing && s.UnderTest is { } t && s.TestingIndex != s.CurrentIndex) return $"testing {t.Key} (applied {t.TimePriority:u})";
        if (s.Current is not { } c) return s.List.Count == 0 ? "no DPC yet" : "no DPC reaches the controller; all will be retried at the next test interval";
        if (s.CurrentIndex == 0) return $"{c.Key} is the highest-priority DPC and its last test passed";
        var above = s.List.Take(s.CurrentIndex).Select(d => d.LastError != null ? $"{d.Key} failed: {d.LastError}" : $"{d.Key} untested").ToList();
        return $"fell back to {c.Key} because {string.Join("; ", above)}";
    }
}
