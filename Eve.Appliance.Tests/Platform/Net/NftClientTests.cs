using Eve.Appliance.Platform.Net;

namespace Eve.Appliance.Tests.Platform.Net;

[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class NftClientTests
{
    private const string TableV1 = """
        table inet t1 {
          comment "eve:v1"
          chain forward {
            type filter hook forward priority filter; policy accept;
            ip daddr 10.98.1.1 drop
          }
        }
        """;

    [Test]
    public async Task ApplyTable_ReplacesWholeTable_AndReadsBackJsonAndComment()
    {
        await using var lab = new NetnsLab();
        var ns = await lab.AddNetnsAsync("nft");
        var nft = new NftClient(lab.Runner);

        await nft.ApplyTableAsync("inet", "t1", TableV1, ns, default);
        await nft.ApplyTableAsync("inet", "t1", TableV1.Replace("v1", "v2").Replace("10.98.1.1", "10.98.2.2"), ns, default);

        var json = await nft.GetTableJsonAsync("inet", "t1", ns, default);
        Assert.That(json, Does.Contain("10.98.2.2"));
        Assert.That(json, Does.Not.Contain("10.98.1.1"), "the old rules are gone, not appended to");
        Assert.That(await nft.GetTableCommentAsync("inet", "t1", ns, default), Is.EqualTo("eve:v2"));
        Assert.That(await nft.ListTablesAsync(ns, default), Does.Contain(("inet", "t1")));
    }

    [Test]
    public async Task RejectedTable_LeavesThePreviousOneInForce()
    {
        await using var lab = new NetnsLab();
        var ns = await lab.AddNetnsAsync("nftbad");
        var nft = new NftClient(lab.Runner);
        await nft.ApplyTableAsync("inet", "t1", TableV1, ns, default);

        // "fwd" is a reserved word in nft (PLATFORM.md): this table cannot load.
        var bad = "table inet t1 {\n  chain fwd {\n    type filter hook forward priority filter; policy accept;\n  }\n}\n";
        var e = Assert.ThrowsAsync<InvalidOperationException>(() => nft.ApplyTableAsync("inet", "t1", bad, ns, default));

        Assert.That(e!.Message, Does.StartWith("nft rejected table inet t1 in netns"));
        Assert.That(await nft.GetTableJsonAsync("inet", "t1", ns, default), Does.Contain("10.98.1.1"));
    }

    [Test]
    public async Task DeleteTable_ReturnsFalseWhenAbsent()
    {
        await using var lab = new NetnsLab();
        var ns = await lab.AddNetnsAsync("nftdel");
        var nft = new NftClient(lab.Runner);
        await nft.ApplyTableAsync("inet", "t1", TableV1, ns, default);

        Assert.That(await nft.DeleteTableAsync("inet", "t1", ns, default), Is.True);
        Assert.That(await nft.DeleteTableAsync("inet", "t1", ns, default), Is.False);
        Assert.That(await nft.GetTableJsonAsync("inet", "t1", ns, default), Is.Null);
        Assert.That(await nft.GetTableCommentAsync("inet", "t1", ns, default), Is.Null);
    }
}
