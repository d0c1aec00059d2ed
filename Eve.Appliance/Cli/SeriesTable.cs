using System.Globalization;
using System.Text.Json.Nodes;

namespace Eve.Appliance.Cli;

/// <summary>`ctl metrics ID` for people: one row per point, one column per series name (cpu and
/// memory first), values rounded for reading; --json gives the exact averages.</summary>
internal static class SeriesTable
{
    private static readonly string[] First = ["cpu.percent", "mem.used_mb", "mem.avail_mb", "uptime_s"];

    public static void Print(TextWriter w, JsonArray points)
    {
        var names = points.SelectMany(p => (p?["values"] as JsonObject)?.Select(kv => kv.Key) ?? []).Distinct(StringComparer.Ordinal).ToList();
        var columns = First.Where(names.Contains).Concat(names.Except(First).Order(StringComparer.Ordinal)).ToList();
        var rows = new JsonArray();
        foreach (var p in points)
        {
            var row = new JsonObject { ["at"] = p?["at"]?.ToString(), ["n"] = p?["count"]?.ToString() };
            foreach (var c in columns)
                row[c] = p?["values"]?[c] is { } v ? Format(v.GetValue<double>()) : "-";
            rows.Add(row);
        }
        Tables.Print(w, rows, ["at", "n", .. columns]);
    }

    private static string Format(double v) =>
        Math.Abs(v) >= 1000 || v == Math.Floor(v) ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("0.##", CultureInfo.InvariantCulture);
}
