using System.Text.Json.Nodes;

namespace Eve.Appliance.Cli;

/// <summary>Prints a JSON array as a plain text table with the named columns.</summary>
internal static class Tables
{
    public static void Print(TextWriter w, JsonNode? rows, params string[] columns)
    {
        var list = (rows as JsonArray ?? []).Select(r => columns.Select(c => Cell(r?[c])).ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Length, list.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        w.WriteLine(string.Join("  ", columns.Select((c, i) => c.ToUpperInvariant().PadRight(widths[i]))).TrimEnd());
        foreach (var r in list) w.WriteLine(string.Join("  ", r.Select((v, i) => v.PadRight(widths[i]))).TrimEnd());
        if (list.Count == 0) w.WriteLine("(none)");
    }

    private static string Cell(JsonNode? n) => n switch
    {
        null => "-",
        JsonArray a => string.Join(",", a.Select(x => x?.ToString())),
        _ => n.ToString(),
    };
}
