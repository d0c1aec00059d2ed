using Eve.Appliance.Agent.Networks;
using Org.Lfedge.Eve.Flowlog;

namespace Eve.Appliance.Tests.Agent.Networks;

[TestFixture]
public sealed class FlowLogCollectorTests
{
    // Real `conntrack -L -o id,extended` lines (nf_conntrack_acct=1), addresses of a local instance.
    private const string Established =
        "ipv4     2 tcp      6 431999 ESTABLISHED src=10.99.5.20 dst=10.98.1.1 sport=40000 dport=8080 packets=5 bytes=300 " +
        "src=10.98.1.1 dst=10.98.1.2 sport=8080 dport=40000 packets=4 bytes=900 [ASSURED] mark=2 use=1 id=111";
    private const string Closing =
        "ipv4     2 tcp      6 119 TIME_WAIT src=10.99.5.20 dst=10.98.1.1 sport=40000 dport=8080 packets=6 bytes=352 " +
        "src=10.98.1.1 dst=10.98.1.2 sport=8080 dport=40000 packets=5 bytes=952 [ASSURED] mark=2 use=1 id=111";
    private const string Ping =
        "ipv4     2 icmp     1 29 src=10.99.5.20 dst=10.98.1.1 type=8 code=0 id=17538 packets=1 bytes=84 " +
        "src=10.98.1.1 dst=10.98.1.2 type=0 code=0 id=17538 packets=1 bytes=84 mark=4 use=1 id=222";
    private const string PortMapped =
        "ipv4     2 tcp      6 119 TIME_WAIT src=10.98.1.1 dst=10.98.1.2 sport=50000 dport=8088 packets=3 bytes=180 " +
        "src=10.99.5.20 dst=10.98.1.1 sport=80 dport=50000 packets=2 bytes=500 [ASSURED] mark=3 use=1 id=333";
    private const string OtherHost =
        "ipv4     2 udp      17 20 src=10.98.1.7 dst=10.98.1.2 sport=53 dport=53 packets=1 bytes=60 " +
        "src=10.98.1.2 dst=10.98.1.7 sport=53 dport=53 packets=0 bytes=0 mark=0 use=1 id=444";

    private static readonly FlowScope Web = new("a0000001-0000-4000-8000-000000000001", "eth0", "nbu123456x0",
        "1d1d0000-0000-4000-8000-00000000000d", "10.99.5.20", new Dictionary<int, string> { [2] = "web", [3] = "pm", [4] = "ping" });

    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);

    [Test]
    public void Parse_ReadsBothTuplesCountersMarkAndEntryId()
    {
        var f = ConntrackFlow.Parse(Ping)!;

        Assert.That((f.Id, f.Protocol, f.Src, f.Dst, f.ReplySrc, f.OrigBytes, f.ReplyPackets, f.Mark),
            Is.EqualTo((222u, 1, "10.99.5.20", "10.98.1.1", "10.98.1.1", 84L, 1L, 4)));
        Assert.That(ConntrackFlow.Parse("conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown."), Is.Null);
    }

    [Test]
    public void ConnectionIsRecordedOnce_WhenItCloses_FromTheAppsSide()
    {
        var c = new FlowLogCollector();

        Assert.That(c.Observe([ConntrackFlow.Parse(Established)!], [Web], T0), Is.Empty, "still open");
        var closed = c.Observe([ConntrackFlow.Parse(Closing)!], [Web], T0.AddSeconds(5)).Single();
        var again = c.Observe([ConntrackFlow.Parse(Closing)!], [Web], T0.AddSeconds(10));
        var gone = c.Observe([], [Web], T0.AddSeconds(15));

        Assert.That(closed.Scope.Uuid, Is.EqualTo(Web.AppUuid));
        Assert.That(closed.Scope.LocalIntf, Is.EqualTo("nbu123456x0"));
        var r = closed.Flows.Single();
        Assert.That((r.Flow.Dest, r.Flow.DestPort, r.Flow.Protocol, r.Inbound), Is.EqualTo(("10.98.1.1", 8080, 6, false)));
        Assert.That((r.TxBytes, r.RxBytes, r.AclId, r.AclName, r.Action), Is.EqualTo((352L, 952L, 2, "web", ACLAction.ActionAccept)));
        Assert.That(r.StartTime.ToDateTimeOffset(), Is.EqualTo(T0));
        Assert.That(again, Is.Empty);
        Assert.That(gone, Is.Empty, "already reported while closing");
    }

    [Test]
    public void FlowThatLeavesTheTable_IsRecorded_AndPortMappedOnesAreInbound_OthersIgnored()
    {
        var c = new FlowLogCollector();
        c.Observe([ConntrackFlow.Parse(Ping)!, ConntrackFlow.Parse(OtherHost)!], [Web], T0);

        var ended = c.Observe([ConntrackFlow.Parse(PortMapped)!], [Web], T0.AddSeconds(30)).Single().Flows;

        Assert.That(ended.Select(f => (f.Flow.Protocol, f.Inbound, f.AclName)), Is.EquivalentTo(new[] { (1, false, "ping"), (6, true, "pm") }));
        var inbound = ended.Single(f => f.Inbound);
        Assert.That((inbound.RxBytes, inbound.TxBytes), Is.EqualTo((180L, 500L)), "the original direction came from outside");
    }
}
