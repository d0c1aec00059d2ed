using System.Text.Json;
using System.Text.Json.Nodes;
using Eve.Appliance.Platform.Files;

namespace Eve.Appliance.Agent.BaseOs;

/// <summary>What the update machine remembers beyond the GPT attributes, in
/// /persist/status/baseos.json (atomic writes): the versions that failed their test window, each
/// with the retry_update counter it failed under (refused until the operator changes the counter),
/// and the last force-fallback counter acted on (null: not seen yet, the first value is a baseline).</summary>
internal sealed class BaseOsMemory
{
    private readonly string _file;
    private readonly Dictionary<string, uint> _failed = new(StringComparer.Ordinal);

    public BaseOsMemory(string persistDir)
    {
        _file = Path.Combine(persistDir, "status", "baseos.json");
        JsonObject? o = null;
        try { o = File.Exists(_file) ? JsonNode.Parse(File.ReadAllText(_file)) as JsonObject : null; }
        catch (JsonException) { } // a foreign or torn file: start empty rather than refuse to boot
        if (o?["failed"] is JsonObject f)
            foreach (var (version, counter) in f)
                if (counter != null) _failed[version] = (uint)counter;
        ForceFallbackCounter = (int?)o?["forceFallbackCounter"];
        LastFailure = (string?)o?["lastFailure"];
        if (o?["staged"] is JsonObject st && (string?)st["version"] is { } sv) Staged = (sv, (uint?)st["retryCounter"] ?? 0);
    }

    /// <summary>The version last written to the other partition and the retry counter it was
    /// staged under: if that image falls back, this is what gets refused.</summary>
    public (string Version, uint RetryCounter)? Staged { get; private set; }

    public void SetStaged(string version, uint retryCounter)
    {
        Staged = (version, retryCounter);
        Save();
    }

    public int? ForceFallbackCounter { get; private set; }

    /// <summary>Why the last failed version failed, in words (shown after the fallback boot).</summary>
    public string? LastFailure { get; private set; }

    public IReadOnlyDictionary<string, uint> Failed => _failed;

    /// <summary>True when <paramref name="version"/> failed under this same retry counter.</summary>
    public bool IsRefused(string version, uint retryCounter) =>
        _failed.TryGetValue(version, out var c) && c == retryCounter;

    public bool HasFailed(string version) => _failed.ContainsKey(version);

    public void MarkFailed(string version, uint retryCounter, string? why = null)
    {
        if (_failed.TryGetValue(version, out var c) && c == retryCounter && (why == null || why == LastFailure)) return;
        _failed[version] = retryCounter;
        if (why != null) LastFailure = why;
        Save();
    }

    public void Forget(string version)
    {
        if (_failed.Remove(version)) Save();
    }

    public void SetForceFallbackCounter(int counter)
    {
        ForceFallbackCounter = counter;
        Save();
    }

    private void Save()
    {
        var failed = new JsonObject();
        foreach (var (v, c) in _failed) failed[v] = c;
        AtomicFile.WriteText(_file, new JsonObject { ["failed"] = failed, ["forceFallbackCounter"] = ForceFallbackCounter, ["lastFailure"] = LastFailure,
            ["staged"] = Staged is { } st ? new JsonObject { ["version"] = st.Version, ["retryCounter"] = st.RetryCounter } : null }.ToJsonString());
    }
}
