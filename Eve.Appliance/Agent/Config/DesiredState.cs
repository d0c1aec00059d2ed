using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Config;

/// <summary>One applied EdgeDevConfig and where it came from (controller, checkpoint).</summary>
internal sealed record DesiredState(EdgeDevConfig Config, string Hash, string Source, DateTimeOffset AppliedAt)
{
    public string? Item(string key) => Config.ConfigItems.FirstOrDefault(i => i.Key == key)?.Value;

    /// <summary>A numeric config item, or the default when absent or not a number.</summary>
    public int ItemInt(string key, int fallback) =>
        int.TryParse(Item(key), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : fallback;
}
