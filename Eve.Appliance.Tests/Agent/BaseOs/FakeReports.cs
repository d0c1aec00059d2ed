using Eve.Appliance.Agent;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Tests.Agent.BaseOs;

/// <summary>An <see cref="IReportSink"/> that keeps what subsystems contribute, so a test reads the
/// ZInfoDevice the agent would send.</summary>
internal sealed class FakeReports : IReportSink
{
    private readonly List<Action<ZInfoDevice>> _info = [];

    public int Changes;

    public void PublishInfo(ZInfoMsg info, string key) { }

    public void AddMetrics(Action<ZMetricMsg> contributor) { }

    public void AddDeviceInfo(Action<ZInfoDevice> contributor)
    {
        lock (_info) _info.Add(contributor);
    }

    public void DeviceInfoChanged() => Interlocked.Increment(ref Changes);

    public ZInfoDevice DeviceInfo()
    {
        var d = new ZInfoDevice();
        lock (_info) foreach (var c in _info) c(d);
        return d;
    }

    public void PublishAppLogs(Guid app, string appName, IReadOnlyList<string> lines) { }

}
