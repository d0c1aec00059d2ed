using System.Net;
using System.Text.Json.Nodes;

namespace Eve.Appliance.Tests.Controller.Ops;

/// <summary>The object model through the operator API on the real controller: a device polls and
/// gets what its objects compile to; every change is a version; bad input names the field and the
/// rule and leaves nothing behind.</summary>
[TestFixture]
public sealed class ObjectApiTests
{
    [Test]
    public async Task AssigningAnApp_GivesThePollingDeviceItsCompiledConfig_AsANewVersion()
    {
        await using var bed = await OpsBed.StartAsync();
        var (_, before) = await bed.PollAsync();
        var (image, network, app) = await bed.AppAsync("web", 256);
        await bed.Local.OkAsync(HttpMethod.Put, $"api/ops/v1/devices/{bed.DeviceId}/assignment", new { apps = new[] { "web" } });

        var (config, hash) = await bed.PollAsync();
        Assert.That(hash, Is.Not.EqualTo(before));
        var a = config.Apps.Single();
        Assert.That(a.Uuidandversion.Uuid, Is.EqualTo(app));
        Assert.That(a.Displayname, Is.EqualTo("web"));
        Assert.That(a.Fixedresources.Memory, Is.EqualTo(256 * 1024));
        Assert.That(a.Interfaces.Single().NetworkId, Is.EqualTo(network), "the app's network came with it");
        Assert.That(a.Interfaces.Single().Acls.Single().Matches.Single().Value, Is.EqualTo("0.0.0.0/0"));
        Assert.That(config.NetworkInstances.Single().Ip.Subnet, Is.EqualTo("10.50.0.0/24"));
        var volume = config.Volumes.Single(v => v.Uuid == a.VolumeRefList.Single().Uuid);
        Assert.That(volume.Origin.DownloadContentTreeID, Is.EqualTo(image));
        var tree = config.ContentInfo.Single();
        Assert.That(config.Datastores.Single(d => d.Id == tree.DsId).Fqdn, Does.StartWith("https://"), "the built-in datastore");
        Assert.That(tree.URL, Is.EqualTo(tree.Sha256));

        var versions = (JsonArray)(await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/config/versions"));
        Assert.That(versions.Select(v => v!["source"]!.GetValue<string>()), Is.EqualTo(new[] { "objects", "default" }));
        Assert.That(versions[0]!["actor"]!.GetValue<string>(), Is.EqualTo("local"));

        // A change to the app is a new version the device sees; the diff names the field.
        var current = await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/apps/web");
        current["memoryMb"] = 512;
        await bed.Local.OkAsync(HttpMethod.Put, "api/ops/v1/apps/web", current.ToJsonString());
        Assert.That((await bed.PollAsync()).Config.Apps.Single().Fixedresources.Memory, Is.EqualTo(512 * 1024));
        var diff = await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/config/diff");
        var text = diff["text"]!.GetValue<string>();
        Assert.That(text, Does.Contain("~ apps[web].fixedresources.memory: 262144 → 524288"));
        Assert.That(text, Does.Contain("~ apps[web].uuidandversion.version: \"1\" → \"2\""));
        Assert.That(diff["changes"]!.AsArray(), Has.Count.EqualTo(3), text); // memory, maxmem, app version, and nothing else
    }

    [Test]
    public async Task Revert_PublishesTheOldContentAsANewVersion_AndTheDeviceLeavesTheModelUntilReassigned()
    {
        await using var bed = await OpsBed.StartAsync();
        await bed.AppAsync("db", 256);
        await bed.Local.OkAsync(HttpMethod.Put, $"api/ops/v1/devices/{bed.DeviceId}/assignment", new { apps = new[] { "db" } });
        var app = await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/apps/db");
        app["cpus"] = 2;
        await bed.Local.OkAsync(HttpMethod.Put, "api/ops/v1/apps/db", app.ToJsonString());
        var versions = (JsonArray)await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/config/versions");
        Assert.That(versions.Select(v => v!["version"]!.GetValue<int>()), Is.EqualTo(new[] { 3, 2, 1 }));

        var reverted = await bed.Local.OkAsync(HttpMethod.Post, $"api/ops/v1/devices/{bed.DeviceId}/config/revert", new { version = 2 });
        Assert.That(reverted["version"]!.GetValue<int>(), Is.EqualTo(4));
        var all = (JsonArray)await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/config/versions");
        Assert.That(all[0]!["contentHash"]!.GetValue<string>(), Is.EqualTo(all.Single(v => v!["version"]!.GetValue<int>() == 2)!["contentHash"]!.GetValue<string>()),
            "same content, same hash");
        Assert.That(all[0]!["source"]!.GetValue<string>(), Is.EqualTo("revert to 2"));
        Assert.That((await bed.PollAsync()).Config.Apps.Single().Fixedresources.Vcpus, Is.EqualTo(1));
        var assignment = await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/assignment");
        Assert.That(assignment["mode"]!.GetValue<string>(), Is.EqualTo("raw"));

        // While raw, object changes do not touch the device…
        app = await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/apps/db");
        app["cpus"] = 3;
        await bed.Local.OkAsync(HttpMethod.Put, "api/ops/v1/apps/db", app.ToJsonString());
        Assert.That((await bed.PollAsync()).Config.Apps.Single().Fixedresources.Vcpus, Is.EqualTo(1));
        // …until the assignment is put again.
        await bed.Local.OkAsync(HttpMethod.Put, $"api/ops/v1/devices/{bed.DeviceId}/assignment", new { apps = new[] { "db" } });
        Assert.That((await bed.PollAsync()).Config.Apps.Single().Fixedresources.Vcpus, Is.EqualTo(3));
    }

    [Test]
    public async Task RawConfigSet_OverTheOldAdminPath_IsAVersion_AndPutsTheDeviceInRawMode()
    {
        await using var bed = await OpsBed.StartAsync();
        await bed.AppAsync("raw-app");
        await bed.Local.OkAsync(HttpMethod.Put, $"api/ops/v1/devices/{bed.DeviceId}/assignment", new { apps = new[] { "raw-app" } });
        var (status, _) = await bed.Local.SendAsync(HttpMethod.Put, $"admin/devices/{bed.DeviceId}/config",
            """{"configItems":[{"key":"timer.config.interval","value":"5"}]}""");
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        var versions = (JsonArray)await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/config/versions");
        Assert.That(versions[0]!["source"]!.GetValue<string>(), Is.EqualTo("raw"));
        Assert.That((await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/assignment"))["mode"]!.GetValue<string>(), Is.EqualTo("raw"));
        Assert.That((await bed.PollAsync()).Config.Apps, Is.Empty);
    }

    [Test]
    public async Task AppWithAnUnknownImage_IsRefusedNamingTheField_AndNothingIsStored()
    {
        await using var bed = await OpsBed.StartAsync();
        var (status, body) = await bed.Local.PostAsync("api/ops/v1/apps", new { name = "ghost", memoryMb = 128, images = new[] { new { imageId = "no-such-image" } } });
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        var problem = body!["problems"]!.AsArray().Single()!;
        Assert.That(problem["field"]!.GetValue<string>(), Is.EqualTo("images[0].imageId"));
        Assert.That(problem["rule"]!.GetValue<string>(), Does.StartWith("unknown image 'no-such-image'"));
        Assert.That((await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/apps")).AsArray(), Is.Empty);
        var audit = (JsonArray)await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/audit");
        Assert.That(audit.Any(e => e!["action"]!.GetValue<string>() == "refused" && e["status"]!.GetValue<int>() == 400), Is.True, "refusals are audited");
    }

    [Test]
    public async Task AclWithNoMatch_AndOtherBadFields_AreAllNamedInOneAnswer()
    {
        await using var bed = await OpsBed.StartAsync();
        await bed.AppAsync("ok");
        var (status, body) = await bed.Local.PostAsync("api/ops/v1/apps", new
        {
            name = "bad",
            cpus = 0,
            memoryMb = 128,
            images = new[] { new { imageId = "ok-disk", target = "floppy" } },
            interfaces = new[] { new { name = "eth0", networkId = "ok-net", acls = new[] { new { matches = Array.Empty<object>(), action = "allow" } } } },
        });
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        var fields = body!["problems"]!.AsArray().Select(p => p!["field"]!.GetValue<string>()).ToList();
        Assert.That(fields, Is.EquivalentTo(new[] { "cpus", "images[0].target", "interfaces[0].acls[0].matches" }));
        Assert.That(body.ToJsonString(), Does.Contain("an ACL rule with no match matches nothing"));

        var (typo, typoBody) = await bed.Local.PostAsync("api/ops/v1/networks", """{"name":"n","kind":"local","subnet":"10.9.0.0/24","gatway":"10.9.0.1"}""");
        Assert.That(typo, Is.EqualTo(HttpStatusCode.BadRequest), "unknown fields are refused, not ignored");
        Assert.That(typoBody!.ToJsonString(), Does.Contain("gatway"));
    }

    [Test]
    public async Task OverlappingSubnetsOnOneDevice_AreRefused_AndTheWholeChangeIsUndone()
    {
        await using var bed = await OpsBed.StartAsync();
        await bed.AppAsync("a", subnet: "10.60.0.0/24");
        await bed.AppAsync("b", subnet: "10.61.0.0/24");
        await bed.Local.OkAsync(HttpMethod.Put, $"api/ops/v1/devices/{bed.DeviceId}/assignment", new { apps = new[] { "a", "b" } });
        var versionsBefore = ((JsonArray)await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/config/versions")).Count;

        // Moving b's network onto a's subnet would break the device: refused, and the network,
        // the device's config and its versions are as they were.
        var net = await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/networks/b-net");
        net["subnet"] = "10.60.0.0/16";
        net["gateway"] = "10.60.0.1";
        var (status, body) = await bed.Local.PutAsync("api/ops/v1/networks/b-net", net.ToJsonString());
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        var rule = body!["problems"]![0]!["rule"]!.GetValue<string>();
        Assert.That(rule, Does.StartWith("overlapping subnets:").And.Contain("network 'a-net' 10.60.0.0/24").And.Contain("network 'b-net' 10.60.0.0/16"));
        Assert.That(body["error"]!.GetValue<string>(), Does.Contain("nothing was changed"));
        Assert.That((await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/networks/b-net"))["subnet"]!.GetValue<string>(), Is.EqualTo("10.61.0.0/24"));
        Assert.That(((JsonArray)await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/config/versions")).Count, Is.EqualTo(versionsBefore));
        Assert.That((await bed.PollAsync()).Config.NetworkInstances.Select(n => n.Ip.Subnet), Is.EquivalentTo(new[] { "10.60.0.0/24", "10.61.0.0/24" }));
    }

    [Test]
    public async Task AppsOverTheDevicesReportedMemory_AreRefusedWithTheFigures()
    {
        await using var bed = await OpsBed.StartAsync();
        await bed.ReportCapacityAsync(memoryMb: 1024, cpus: 2);
        await bed.AppAsync("small", 512, "10.70.0.0/24");
        await bed.AppAsync("big", 768, "10.71.0.0/24");
        await bed.Local.OkAsync(HttpMethod.Put, $"api/ops/v1/devices/{bed.DeviceId}/assignment", new { apps = new[] { "small" } });
        var (status, body) = await bed.Local.PutAsync($"api/ops/v1/devices/{bed.DeviceId}/assignment", new { apps = new[] { "small", "big" } });
        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(body!["problems"]![0]!["rule"]!.GetValue<string>(), Does.Contain("memory over the device's capacity: its running apps ask for 1280 MB, the device reports 1024 MB"));
        Assert.That((await bed.Local.OkAsync(HttpMethod.Get, $"api/ops/v1/devices/{bed.DeviceId}/assignment"))["apps"]!.AsArray(), Has.Count.EqualTo(1), "assignment unchanged");
        // Stopping one makes room: stopped apps need no memory.
        await bed.Local.OkAsync(HttpMethod.Post, "api/ops/v1/apps/big/stop");
        await bed.Local.OkAsync(HttpMethod.Put, $"api/ops/v1/devices/{bed.DeviceId}/assignment", new { apps = new[] { "small", "big" } });
        Assert.That((await bed.PollAsync()).Config.Apps.Select(a => (a.Displayname, a.Activate)), Is.EquivalentTo(new[] { ("small", true), ("big", false) }));
    }

    [Test]
    public async Task DeletingAnObjectInUse_IsAConflictNamingTheUser()
    {
        await using var bed = await OpsBed.StartAsync();
        await bed.AppAsync("user");
        var (status, body) = await bed.Local.SendAsync(HttpMethod.Delete, "api/ops/v1/images/user-disk");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(body!["error"]!.GetValue<string>(), Does.Contain("in use by app 'user'"));
        await bed.Local.OkAsync(HttpMethod.Delete, "api/ops/v1/apps/user");
        await bed.Local.OkAsync(HttpMethod.Delete, "api/ops/v1/images/user-disk");
        Assert.That((await bed.Local.OkAsync(HttpMethod.Get, "api/ops/v1/images")).AsArray(), Is.Empty);
    }
}
