using System.Globalization;
using System.Text;
using Eve.Appliance.Controller.Telemetry;
using Eve.Appliance.Store;

namespace Eve.Appliance.Controller.Admin;

/// <summary>
/// The Prometheus text exposition (format 0.0.4) served at /metrics on the admin socket: per-device
/// gauges from the newest raw series point, per-app, per-network-instance and per-volume samples from
/// the newest metrics message (<see cref="PrometheusObjects"/>), and the controller's request and
/// refusal counters.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly (string Metric, string Series, string Help)[] DeviceGauges =
    [
        ("eve_device_cpu_percent", MetricValues.CpuPercent, "Device CPU busy percent in the newest metrics report."),
        ("eve_device_memory_used_mb", MetricValues.MemUsed, "Device memory used, MB."),
        ("eve_device_memory_available_mb", MetricValues.MemAvail, "Device memory available, MB."),
        ("eve_device_uptime_seconds", MetricValues.Uptime, "Device uptime in seconds."),
    ];

    public static string Render(IEnumerable<DeviceDoc> devices, MetricSeries series, ControllerCounters counters, DateTime now,
        Func<string, Org.Lfedge.Eve.Metrics.ZMetricMsg?>? latestMetrics = null)
    {
        var text = new StringBuilder();
        var list = devices.OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        Header(text, "eve_device_last_seen_age_seconds", "gauge", "Seconds since the device last called the controller (absent if never).");
        foreach (var d in list.Where(d => d.LastSeenAt != default))
            Sample(text, "eve_device_last_seen_age_seconds", Labels(d), Math.Max(0, (now - d.LastSeenAt).TotalSeconds));
        var latest = list.Select(d => (Device: d, Point: series.Latest(d.Id))).Where(x => x.Point != null).ToList();
        foreach (var (metric, name, help) in DeviceGauges)
        {
            Header(text, metric, "gauge", help);
            foreach (var (device, point) in latest)
            {
                var i = point!.Names.IndexOf(name);
                if (i >= 0) Sample(text, metric, Labels(device), point.Sums[i] / point.Counts[i]);
            }
        }
        if (latestMetrics != null)
            PrometheusObjects.Render(text, list.Select(d => (d, latestMetrics(d.Id))).Where(x => x.Item2 != null).Select(x => (x.d, x.Item2!)).ToList());
        var snapshot = counters.Snapshot();
        Header(text, "eve_controller_requests_total", "counter", "Device API requests per endpoint.");
        foreach (var (key, value) in snapshot.Where(c => c.Key.StartsWith("requests.", StringComparison.Ordinal)))
            Sample(text, "eve_controller_requests_total", $"endpoint=\"{Escape(key["requests.".Length..])}\"", value);
        Header(text, "eve_controller_refusals_total", "counter", "Device API refusals per HTTP status.");
        foreach (var (key, value) in snapshot.Where(c => c.Key.StartsWith("refused.", StringComparison.Ordinal)))
            Sample(text, "eve_controller_refusals_total", $"status=\"{Escape(key["refused.".Length..])}\"", value);
        return text.ToString();
    }

    internal static string Labels(DeviceDoc d) => $"device=\"{Escape(d.Id)}\",name=\"{Escape(d.Name)}\",serial=\"{Escape(d.Serial)}\"";

    internal static void Header(StringBuilder text, string metric, string type, string help) =>
        text.Append("# HELP ").Append(metric).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(metric).Append(' ').Append(type).Append('\n');

    internal static void Sample(StringBuilder text, string metric, string labels, double value) =>
        text.Append(metric).Append('{').Append(labels).Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');

    internal static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
