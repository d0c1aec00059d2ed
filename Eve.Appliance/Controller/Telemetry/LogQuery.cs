namespace Eve.Appliance.Controller.Telemetry;

/// <summary>
/// A log search: lines of one device after id <see cref="After"/> (for paging and --follow), of one
/// app (AppId; "device" = the device's own lines), at <see cref="Level"/> or more severe, at or
/// after <see cref="Since"/>, containing <see cref="Text"/> (case-insensitive).
/// </summary>
internal sealed record LogQuery(string? App = null, string? Level = null, DateTime? Since = null, string? Text = null, long After = 0, int Limit = 1000)
{
    /// <summary>Severity names devices send (logrus and syslog words), most severe first.</summary>
    private static readonly string[][] Ranks =
    [
        ["panic", "emerg", "emergency"], ["alert"], ["fatal", "crit", "critical"], ["error", "err"],
        ["warning", "warn"], ["notice"], ["info", "informational"], ["debug"], ["trace"],
    ];

    /// <summary>Rank of a severity (0 = most severe); unknown names rank as info so they are not hidden.</summary>
    public static int Rank(string severity)
    {
        for (var i = 0; i < Ranks.Length; i++)
            if (Array.IndexOf(Ranks[i], severity.ToLowerInvariant()) >= 0) return i;
        return 6;
    }

    public static bool IsKnownLevel(string level) => Ranks.Any(r => Array.IndexOf(r, level.ToLowerInvariant()) >= 0);

    public bool Matches(Store.LogDoc line)
    {
        // LiteDB's mapper reads empty strings back as null (EmptyStringToNull), hence the ?? "".
        var appId = line.AppId ?? "";
        if (App != null && !(App == "device" ? appId == "" : string.Equals(appId, App, StringComparison.OrdinalIgnoreCase))) return false;
        if (Level != null && Rank(line.Severity ?? "") > Rank(Level)) return false;
        if (Since is { } since && line.At < since) return false;
        return Text == null || (line.Content ?? "").Contains(Text, StringComparison.OrdinalIgnoreCase) || (line.Source ?? "").Contains(Text, StringComparison.OrdinalIgnoreCase);
    }
}
