using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Agent.Telemetry;

/// <summary>EVE's controller-comm counters (pillar's zedcloud metrics) for <c>ZMetricMsg.dm.zedcloud</c>:
/// per URL and in total, messages and bytes. What is counted as bytes: the HTTP request body as sent
/// (the signed AuthContainer, or nothing for a GET) and the response body as received; not headers,
/// TLS records or retransmissions, so the figures compare across devices and with EVE's, which counts
/// the same two lengths. As in EVE: a success adds to sent and received and to the time spent; a failure
/// adds the attempt to try* and, if an answer came back (a 5xx body), to recv*.</summary>
internal sealed class ControllerCommCounters(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, urlcloudMetric> _urls = new(StringComparer.Ordinal);
    private ulong _success, _failures, _authVerifyFailures;
    private Timestamp? _lastSuccess, _lastFailure;

    /// <summary>One finished exchange with <paramref name="url"/> (host:port/path, as EVE keys it).
    /// <paramref name="receivedBytes"/> is null when no answer came (refused, timed out).</summary>
    public void Record(string url, long sentBytes, long? receivedBytes, TimeSpan elapsed, bool success)
    {
        var now = Timestamp.FromDateTimeOffset(time.GetUtcNow());
        lock (_lock)
        {
            if (!_urls.TryGetValue(url, out var m)) _urls[url] = m = new urlcloudMetric { Url = url };
            if (success)
            {
                _success++;
                _lastSuccess = now;
                m.SentMsgCount++;
                m.SentByteCount += sentBytes;
                m.TotalTimeSpent += (long)elapsed.TotalMilliseconds;
            }
            else
            {
                _failures++;
                _lastFailure = now;
                m.TryMsgCount++;
                m.TryByteCount += sentBytes;
            }
            if (receivedBytes is { } r)
            {
                m.RecvMsgCount++;
                m.RecvByteCount += r;
            }
        }
    }

    /// <summary>An answer whose signature or certificate chain did not verify (EVE's authVerifyFailure).</summary>
    public void AuthVerifyFailed()
    {
        lock (_lock) _authVerifyFailures++;
    }

    /// <summary>A copy of the counters since the agent started, for the interface <paramref name="ifName"/>.</summary>
    public zedcloudMetric Snapshot(string ifName)
    {
        lock (_lock)
        {
            var metric = new zedcloudMetric
            {
                IfName = ifName, Success = _success, Failures = _failures, AuthVerifyFailure = _authVerifyFailures,
                LastSuccess = _lastSuccess?.Clone(), LastFailure = _lastFailure?.Clone(),
            };
            metric.UrlMetrics.AddRange(_urls.Values.OrderBy(u => u.Url, StringComparer.Ordinal).Select(u => u.Clone()));
            return metric;
        }
    }
}
