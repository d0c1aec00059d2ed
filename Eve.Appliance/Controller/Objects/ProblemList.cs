using System.Net;

namespace Eve.Appliance.Controller.Objects;

/// <summary>Collects broken rules with their field paths, and the small checks most objects share.</summary>
internal sealed class ProblemList
{
    private readonly List<Problem> _problems = [];

    public IReadOnlyList<Problem> Items => _problems;
    public bool Any => _problems.Count > 0;

    public void Add(string field, string rule) => _problems.Add(new Problem(field, rule));

    public void Range(string field, long value, long min, long max, string unit = "")
    {
        if (value < min || value > max) Add(field, $"{value}{unit} is out of range: must be {min}–{max}{unit}");
    }

    public void OneOf(string field, string? value, params string[] allowed)
    {
        if (value == null || !allowed.Contains(value, StringComparer.Ordinal))
            Add(field, $"'{value}' is not allowed: must be one of {string.Join(", ", allowed)}");
    }

    public IPNetwork? Subnet(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) { Add(field, "required: a subnet in CIDR form, e.g. 10.1.0.0/24"); return null; }
        // IPNetwork refuses host bits (10.1.0.5/24), which is the mistake worth naming.
        if (!IPNetwork.TryParse(value, out var net)) { Add(field, $"'{value}' is not a subnet in CIDR form with the host bits zero (e.g. 10.1.0.0/24)"); return null; }
        return net;
    }

    public IPAddress? Address(string field, string? value, IPNetwork? within = null)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!IPAddress.TryParse(value, out var ip)) { Add(field, $"'{value}' is not an IP address"); return null; }
        if (within is { } net && !net.Contains(ip)) { Add(field, $"{value} is outside the subnet {net}"); return null; }
        return ip;
    }
}
