using System.Globalization;

namespace Eve.Appliance.Controller.Admin;

/// <summary>Reads a --since / ?since= value: an ISO 8601 time ("2026-11-28T08:00:00Z") or an age
/// back from now ("90s", "15m", "6h", "7d").</summary>
internal static class SinceParser
{
    public static DateTime? Parse(string? value, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var unit = value[^1];
        if (char.IsLetter(unit) && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
        {
            var age = unit switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(Math.Min(n, 36_500)),
                _ => (TimeSpan?)null,
            };
            if (age != null) return now - age.Value;
        }
        if (DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
            return at;
        throw ApiError.BadRequest($"since '{value}': expected an ISO 8601 time (2026-11-28T08:00:00Z) or an age like 90s, 15m, 6h, 7d");
    }
}
