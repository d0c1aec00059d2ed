namespace Eve.Appliance.Sim;

/// <summary>What one endpoint saw: every latency (ms), answers by status, failures by kind.</summary>
internal sealed class EndpointStats(string endpoint)
{
    private readonly List<float> _latencies = [];
    private readonly Dictionary<string, long> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);

    public string Endpoint { get; } = endpoint;

    public void Answered(int status, double ms, bool expected)
    {
        lock (this)
        {
            _latencies.Add((float)ms);
            Increment(_statuses, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (!expected) Increment(_errors, $"status {status}");
        }
    }

    public void Failed(string kind, double ms)
    {
        lock (this)
        {
            _latencies.Add((float)ms);
            Increment(_errors, kind);
        }
    }

    public EndpointSummary Summarize(double seconds)
    {
        lock (this)
        {
            var sorted = _latencies.ToArray();
            Array.Sort(sorted);
            return new EndpointSummary(Endpoint, sorted.Length, seconds > 0 ? sorted.Length / seconds : 0,
                Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Length == 0 ? 0 : sorted[^1],
                new SortedDictionary<string, long>(_statuses), new SortedDictionary<string, long>(_errors));
        }
    }

    private static double Percentile(float[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static void Increment(Dictionary<string, long> d, string key) => d[key] = d.GetValueOrDefault(key) + 1;
}

internal sealed record EndpointSummary(string Endpoint, long Requests, double PerSecond, double P50Ms, double P99Ms, double MaxMs,
    IReadOnlyDictionary<string, long> Statuses, IReadOnlyDictionary<string, long> Errors)
{
    public long ErrorCount => Errors.Values.Sum();
}
