using System.Collections.Concurrent;

namespace Eve.Appliance.Sim;

/// <summary>Per-endpoint latency and outcome records for one phase of a run.</summary>
internal sealed class LatencyBook
{
    private readonly ConcurrentDictionary<string, EndpointStats> _endpoints = new(StringComparer.Ordinal);

    public EndpointStats For(string endpoint) => _endpoints.GetOrAdd(endpoint, e => new EndpointStats(e));

    public IReadOnlyList<EndpointSummary> Summarize(double seconds) =>
        _endpoints.Values.Select(e => e.Summarize(seconds)).OrderBy(s => s.Endpoint, StringComparer.Ordinal).ToList();
}
