using Eve.Appliance.Agent.Telemetry;
using Eve.Appliance.Tests.Platform.Net;

namespace Eve.Appliance.Tests.Agent.Telemetry;

/// <summary>Network-instance and volume metrics cross-checked against what the kernel says in the
/// test itself: /sys/class/net statistics inside a namespace, and stat(1)'s block count.</summary>
[TestFixture]
public sealed class ObjectMetricsCollectionTests
{
    [Test]
    public async Task NetworkInstanceCounters_MatchSysClassNetInTheNamespace()
    {
        await using var lab = new NetnsLab();
        var ns = await lab.AddNetnsAsync("nimet");
        var peer = await lab.AddNetnsAsync("nipeer");
        foreach (var n in new[] { ns, peer })
            foreach (var scope in new[] { "all", "default" })
                await lab.ExecAsync(n, "sysctl", "-q", "-w", $"net.ipv6.conf.{scope}.disable_ipv6=1"); // no unsolicited IPv6 chatter
        await lab.LinkAsync(ns, "vif-a", "10.77.0.1/24", peer, "vif-b", "10.77.0.2/24");
        // Some traffic, then a still namespace: nothing else lives in it, so the counters stay put.
        await lab.ExecAsync(ns, "busybox", "ping", "-c", "3", "-W", "1", "10.77.0.2");
        await lab.ExecAsync(ns, "busybox", "ping", "-c", "2", "-W", "1", "127.0.0.1");

        var links = new[] { new NetworkInstanceLinks("0b8d3e4f-0000-4000-8000-0000000000aa", "lab", 1, "lo", ["vif-a"]) };
        async Task<ulong> Sys(string ifName, string counter) =>
            ulong.Parse((await lab.ExecAsync(ns, "cat", $"/sys/class/net/{ifName}/statistics/{counter}")).Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        async Task<ulong[]> SysAll() =>
            [await Sys("vif-a", "tx_packets"), await Sys("vif-a", "rx_bytes"), await Sys("vif-a", "tx_bytes"), await Sys("vif-a", "rx_packets"), await Sys("lo", "rx_packets")];

        // The kernel may still send a late ARP probe: compare against a reading that did not move
        // while the metrics were taken.
        Org.Lfedge.Eve.Metrics.ZMetricNetworkInstance metrics = null!;
        ulong[] sys = [];
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var before = await SysAll();
            metrics = (await NetworkInstanceMetrics.ReadAsync(lab.Runner, ns, links, CancellationToken.None)).Single();
            sys = await SysAll();
            if (before.SequenceEqual(sys)) break;
        }
        Assert.That(metrics.Network.Select(n => n.IName), Is.EqualTo(new[] { "lo", "vif-a" }));
        var vifA = metrics.Network.Single(n => n.IName == "vif-a");
        Assert.That(vifA.TxPkts, Is.EqualTo(sys[0]).And.GreaterThanOrEqualTo(3UL));
        Assert.That(vifA.RxBytes, Is.EqualTo(sys[1]));
        Assert.That(metrics.Network.Single(n => n.IName == "lo").RxPkts, Is.EqualTo(sys[4]).And.GreaterThanOrEqualTo(2UL));
        Assert.That(metrics.NetworkStats.Tx.TotalBytes, Is.EqualTo(sys[2]), "the instance's stats sum its vifs");
        Assert.That(metrics.NetworkStats.Rx.TotalPackets, Is.EqualTo(sys[3]));
        Assert.That(metrics.Activated, Is.True);
    }

    [Test]
    public void MissingInterfaces_AreLeftOut_AndTheInstanceIsNotActivated()
    {
        var links = new[] { new NetworkInstanceLinks("0b8d3e4f-0000-4000-8000-0000000000ab", "gone", 2, "bn9", ["nbu9x1"]) };
        var m = NetworkInstanceMetrics.Build(links, new Dictionary<string, Eve.Appliance.Agent.Telemetry.Proc.NetDevCounters>()).Single();
        Assert.That(m.Network, Is.Empty);
        Assert.That(m.Activated, Is.False);
        Assert.That(m.NetworkStats.Rx.TotalBytes, Is.Zero);
    }

    [Test]
    public async Task VolumeUsedBytes_AreTheBlocksOnDisk_NotTheApparentSize()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vol-{Guid.NewGuid():N}.img");
        try
        {
            await using (var f = new FileStream(path, FileMode.CreateNew))
            {
                f.SetLength(64L << 20); // sparse: 64 MiB apparent
                f.Write(new byte[256 * 1024]);
                f.Flush(flushToDisk: true);
            }
            var stat = await Eve.Appliance.Platform.Processes.ProcessRunner.Default.RunAsync("stat", ["-c", "%b %B", path]);
            var parts = stat.Stdout.Trim().Split(' ');
            var blocks = long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);

            var id = Guid.NewGuid();
            var m = VolumeMetrics.Of(id, "data", 128L << 20, path, new Eve.Appliance.Platform.Qemu.QmpBlockStats("vdisk0", null, 10, 20, 1, 2, 0));
            Assert.That((long)m.UsedBytes, Is.EqualTo(blocks).And.LessThan(64L << 20));
            Assert.That(m.TotalBytes, Is.EqualTo(128UL << 20));
            Assert.That(m.FreeBytes, Is.EqualTo(m.TotalBytes - m.UsedBytes));
            Assert.That((m.Uuid, m.ReadBytes, m.WriteBytes, m.WriteCount), Is.EqualTo((id.ToString("D"), 10UL, 20UL, 2UL)));
            Assert.That(VolumeMetrics.Of(id, "x", 0, path + ".missing", null).UsedBytes, Is.Zero);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
