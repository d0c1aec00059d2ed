using System.Net;
using System.Net.Sockets;
using Eve.Appliance.Agent.Telemetry;
using Eve.Appliance.Agent.Telemetry.Proc;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Tests.Agent.Telemetry;

[TestFixture]
public sealed class DeviceMetricsCollectorTests
{
    private const string DevId = "5d0767ee-0547-4569-b530-387e526f8cb9";

    [Test]
    public void FakeTree_FillsDeviceMetricInEveUnits()
    {
        using var tree = new FakeProcTree();
        var clock = new FakeClock();
        var collector = new DeviceMetricsCollector(new ProcReader(tree.Root), clock, DevId);
        var msg = collector.Collect(new DeviceMetricsInputs { AllocatedAppsMb = 2816, LastReceivedConfig = clock.GetUtcNow() });
        Assert.That(msg.DevID, Is.EqualTo(DevId));
        Assert.That(msg.AtTimeStamp, Is.EqualTo(Timestamp.FromDateTimeOffset(clock.GetUtcNow())));
        var dm = msg.Dm;
        // MemTotal 8 GiB, MemAvailable 5072 MiB: the numbers of the zmetric_msg vector.
        Assert.That(dm.Memory, Is.EqualTo(new memoryMetric { UsedMem = 3120, AvailMem = 5072, UsedPercentage = 38.0859375, AvailPercentage = 61.9140625 }));
        Assert.That(dm.DeviceMemory, Is.EqualTo(new DeviceMemoryMetric { MemoryMB = 8192, AllocatedAppsMB = 2816, UsedEveMB = 200 }));
        var eth0 = dm.Network.Single(n => n.IName == "eth0");
        Assert.That(eth0, Is.EqualTo(new networkMetric
        {
            IName = "eth0", LocalName = "eth0", RxBytes = 987654321, RxPkts = 250000, RxErrors = 1, RxDrops = 12,
            TxBytes = 123456789, TxPkts = 100000, TxErrors = 2, TxDrops = 3,
        }));
        Assert.That(dm.Disk[0], Is.EqualTo(new diskMetric { Disk = "sda", ReadCount = 25000, ReadBytes = 1048576000, WriteCount = 12000, WriteBytes = 524288000 }));
        Assert.That(dm.Disk[1].MountPath, Is.EqualTo(tree.MountDir));
        Assert.That(dm.Disk[1].Total, Is.EqualTo(dm.Disk[1].Used + dm.Disk[1].Free).Within(1UL));
        // cpu: busy = 1000+50+300+10+20+5 = 1385 ticks, all = 9485 ticks; uptime 6000.25 s.
        Assert.That(dm.CpuMetric, Is.EqualTo(new appCpuMetric
        {
            UpTime = new Timestamp { Seconds = 6000, Nanos = 250_000_000 }, Total = 13, TotalNs = 13_850_000_000, SystemTotal = 94,
        }));
        Assert.That(dm.MetricItems.Select(m => m.Key), Is.EqualTo(new[] { "load-1m", "load-5m", "load-15m" }), "no CPU % from one sample");
        Assert.That(dm.LastReceivedConfig, Is.Not.Null);
        Assert.That(ZMetricMsg.Parser.ParseFrom(msg.ToByteArray()), Is.EqualTo(msg));
    }

    [Test]
    public void FakeTree_CpuPercentComesFromTheDeltaOfTwoSamples()
    {
        using var tree = new FakeProcTree();
        var collector = new DeviceMetricsCollector(new ProcReader(tree.Root), new FakeClock(), DevId);
        collector.Collect();
        Assert.That(collector.LastCpuPercent, Is.Null);
        // +300 busy (user) and +100 idle ticks: 75 % busy.
        tree.Write("proc/stat", "cpu  1300 50 300 8100 100 10 20 5 0 0\n");
        var dm = collector.Collect().Dm;
        Assert.That(collector.LastCpuPercent, Is.EqualTo(75.0));
        Assert.That(dm.MetricItems.Single(m => m.Key == DeviceMetricsCollector.CpuPercentKey).FloatValue, Is.EqualTo(75f));
    }

    [Test]
    public void RealProc_MemoryMatchesMeminfoAndLoopbackCountersGrow()
    {
        var collector = new DeviceMetricsCollector(ProcReader.Host, TimeProvider.System, DevId);
        var first = collector.Collect().Dm;
        var memTotalKb = ulong.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.That(first.DeviceMemory.MemoryMB, Is.EqualTo((double)memTotalKb / 1024).Within(0.5));
        Assert.That(first.Memory.UsedMem + first.Memory.AvailMem, Is.EqualTo((double)memTotalKb / 1024).Within(1.0));
        Assert.That(first.Memory.UsedPercentage + first.Memory.AvailPercentage, Is.EqualTo(100).Within(1e-9));
        SendOverLoopback(64 * 1024);
        var second = collector.Collect().Dm;
        var lo1 = first.Network.Single(n => n.IName == "lo");
        var lo2 = second.Network.Single(n => n.IName == "lo");
        Assert.That(lo2.TxBytes - lo1.TxBytes, Is.GreaterThanOrEqualTo(64UL * 1024));
        Assert.That(lo2.RxPkts, Is.GreaterThan(lo1.RxPkts));
        Assert.That(collector.LastCpuPercent, Is.InRange(0.0, 100.0));
        Assert.That(second.CpuMetric.TotalNs, Is.GreaterThanOrEqualTo(first.CpuMetric.TotalNs));
        Assert.That(second.Disk.Any(d => d.MountPath == "/" && d.Total > 0), Is.True);
        var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(second.CpuMetric.UpTime.Seconds, Is.EqualTo(uptime).Within(5));
    }

    private static void SendOverLoopback(int bytes)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        client.Connect((IPEndPoint)listener.LocalEndpoint);
        using var server = listener.AcceptTcpClient();
        client.GetStream().Write(new byte[bytes]);
        var buffer = new byte[bytes];
        server.GetStream().ReadExactly(buffer);
    }
}
