using System.Net;
using System.Text.Json.Nodes;
using Eve.Appliance.Cli;

namespace Eve.Appliance.Tests.Controller.Ops;

/// <summary>Paging of the operator API's lists (limit/offset, X-Total-Count, Link rel=next), its
/// OpenAPI description, and `ctl` paging through to show everything.</summary>
[TestFixture]
public sealed class PagingTests
{
    [Test]
    public async Task ObjectList_IsPaged_WithTotalAndNextLinks_UntilTheLastPage()
    {
        await using var bed = await OpsBed.StartAsync();
        var names = Enumerable.Range(0, 5).Select(i => $"store-{i}").ToList();
        foreach (var n in names)
            await bed.Local.OkAsync(HttpMethod.Post, "api/ops/v1/datastores", new { name = n, type = "https", fqdn = $"{n}.plant" });

        var seen = new List<string>();
        string? next = "api/ops/v1/datastores?limit=2";
        var pages = 0;
        while (next != null)
        {
            using var resp = await bed.Local.Client.GetAsync(next);
            Assert.That(resp.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(resp.Headers.GetValues("X-Total-Count").Single(), Is.EqualTo("5"));
            var page = JsonNode.Parse(await resp.Content.ReadAsStringAsync())!.AsArray();
            Assert.That(page, Has.Count.LessThanOrEqualTo(2));
            seen.AddRange(page.Select(o => o!["name"]!.GetValue<string>()));
            pages++;
            next = resp.Headers.TryGetValues("Link", out var link) ? NextOf(link.Single()) : null;
            if (next != null) Assert.That(next, Does.Contain("limit=2").And.Contain($"offset={seen.Count}"));
        }
        Assert.That(pages, Is.EqualTo(3));
        Assert.That(seen, Is.EqualTo(names), "every item once, in the list's order");

        using var beyond = await bed.Local.Client.GetAsync("api/ops/v1/datastores?offset=10");
        Assert.That(JsonNode.Parse(await beyond.Content.ReadAsStringAsync())!.AsArray(), Is.Empty);
        Assert.That(beyond.Headers.Contains("Link"), Is.False);
    }

    [Test]
    public async Task NextLink_KeepsTheFilters()
    {
        await using var bed = await OpsBed.StartAsync();
        for (var i = 0; i < 3; i++)
            await bed.Local.OkAsync(HttpMethod.Post, "api/ops/v1/datastores", new { name = $"ds-{i}", type = "https", fqdn = "x.plant" });
        await bed.Local.OkAsync(HttpMethod.Post, "api/ops/v1/tokens", new { name = "noise", role = "viewer", @operator = "admin" });

        using var resp = await bed.Local.Client.GetAsync("api/ops/v1/audit?kind=datastores&limit=1");
        Assert.That(resp.Headers.GetValues("X-Total-Count").Single(), Is.EqualTo("3"), "only the datastore changes count");
        var next = NextOf(resp.Headers.GetValues("Link").Single())!;
        Assert.That(next, Does.StartWith("/api/ops/v1/audit?").And.Contain("kind=datastores").And.Contain("offset=1"));
        using var second = await bed.Local.Client.GetAsync(next);
        var entry = JsonNode.Parse(await second.Content.ReadAsStringAsync())!.AsArray().Single()!;
        Assert.That(entry["kind"]!.GetValue<string>(), Is.EqualTo("datastores"));
    }

    [TestCase("limit=0", "limit")]
    [TestCase("limit=1001", "limit")]
    [TestCase("limit=ten", "limit")]
    [TestCase("offset=-1", "offset")]
    [TestCase("limit=5&limit=6", "limit")]
    public async Task InvalidPaging_Is400_NamingTheParameter(string query, string parameter)
    {
        await using var bed = await OpsBed.StartAsync();
        foreach (var list in new[] { "apps", "devices", "audit", "operators", "tokens", $"devices/{bed.DeviceId}/config/versions" })
        {
            var (status, body) = await bed.Local.GetAsync($"api/ops/v1/{list}?{query}");
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), $"{list}?{query}");
            Assert.That(body!["error"]!.GetValue<string>(), Does.StartWith(parameter + " "), $"{list}?{query}");
        }
    }

    [Test]
    public async Task DefaultPageIs200_AndCtlPagesThroughToShowEverything()
    {
        await using var bed = await OpsBed.StartAsync();
        for (var i = 0; i < 205; i++)
            await bed.Local.OkAsync(HttpMethod.Post, "api/ops/v1/tokens", new { name = $"t{i}", role = "viewer", @operator = "admin" });

        using var first = await bed.Local.Client.GetAsync("api/ops/v1/tokens");
        Assert.That(JsonNode.Parse(await first.Content.ReadAsStringAsync())!.AsArray(), Has.Count.EqualTo(200));
        Assert.That(first.Headers.GetValues("X-Total-Count").Single(), Is.EqualTo("206"), "205 and the first start's");

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CommandDispatcher.RunAsync(["ctl", "--data-dir", bed.DataDir, "token", "list", "--json"], stdout, stderr);
        Assert.That(code, Is.EqualTo(ExitCode.Ok), stderr.ToString());
        Assert.That(JsonNode.Parse(stdout.ToString())!.AsArray(), Has.Count.EqualTo(206));

        using var client = new AdminClient(bed.DataDir);
        var small = await client.GetAllAsync("api/ops/v1/tokens", pageSize: 7);
        Assert.That(small.Select(t => t!["id"]!.GetValue<string>()).Distinct().Count(), Is.EqualTo(206), "36 pages of 7 (last one short), nothing twice");
        var audit = await client.GetAllAsync("api/ops/v1/audit", pageSize: 50, max: 120);
        Assert.That(audit, Has.Count.EqualTo(120));
    }

    [Test]
    public async Task OpenApi_DescribesPagingOnEveryList()
    {
        await using var bed = await OpsBed.StartAsync();
        var doc = await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/openapi.json");
        var lists = new[]
        {
            "/api/ops/v1/apps", "/api/ops/v1/images", "/api/ops/v1/networks", "/api/ops/v1/profiles", "/api/ops/v1/devices",
            "/api/ops/v1/devices/{id}/config/versions", "/api/ops/v1/audit", "/api/ops/v1/operators", "/api/ops/v1/tokens",
        };
        foreach (var path in lists)
        {
            var get = doc["paths"]?[path]?["get"];
            Assert.That(get, Is.Not.Null, path);
            var parameters = get!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
            Assert.That(parameters, Does.Contain("limit").And.Contain("offset"), path);
            var headers = get["responses"]!["200"]!["headers"]!.AsObject();
            Assert.That(headers.Select(h => h.Key), Does.Contain("X-Total-Count").And.Contain("Link"), path);
        }
        Assert.That(doc["paths"]!["/api/ops/v1/apps/{id}"]!["get"]!["parameters"]!.AsArray().Any(p => p!["name"]!.GetValue<string>() == "limit"), Is.False,
            "only lists are paged");
    }

    private static string? NextOf(string link)
    {
        var parts = link.Split(';', StringSplitOptions.TrimEntries);
        return parts.Length == 2 && parts[1] == "rel=\"next\"" ? parts[0].Trim('<', '>') : null;
    }
}
