namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>A spool keeps one segment stream for the device and one per app instance, because they
/// upload to different URLs (…/newlogs and …/apps/instanceid/{uuid}/newlogs).</summary>
internal static class LogStreams
{
    public const string Device = "dev";
    private const string AppPrefix = "app-";

    public static string App(string appUuid)
    {
        if (!Guid.TryParse(appUuid, out var g))
            throw new ArgumentException($"app log stream needs an app instance UUID, got \"{appUuid}\"", nameof(appUuid));
        return AppPrefix + g.ToString("D");
    }

    /// <summary>The app UUID of an app stream; null for the device stream.</summary>
    public static string? AppUuidOf(string stream) => stream.StartsWith(AppPrefix, StringComparison.Ordinal) ? stream[AppPrefix.Length..] : null;

    public static bool IsValid(string stream) => stream == Device || (AppUuidOf(stream) is { } u && Guid.TryParse(u, out _));
}
