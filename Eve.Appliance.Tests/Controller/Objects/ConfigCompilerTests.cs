using Eve.Appliance.Controller;
using Eve.Appliance.Controller.Objects;
using Eve.Appliance.Controller.Objects.Model;
using Google.Protobuf;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Controller.Objects;

/// <summary>The compiler alone: objects in, EdgeDevConfig out, deterministic.</summary>
[TestFixture]
public sealed class ConfigCompilerTests
{
    private static readonly ControllerOptions Options = new() { DataDir = "/nonexistent" };
    private static readonly DeviceFacts Device = new("3f2f5a52-8d2f-4a57-9a86-2b8f7d0e0a01", "press-7", 4096, 4);

    [Test]
    public void SameObjects_GiveTheSameBytesAndHash_WhateverOrderTheyAreStoredIn()
    {
        var (set, assignment) = Objects();
        var first = ConfigCompiler.Compile(Device, ExpandedAssignment.Of(assignment, set), "ctl.example:8443", Options);

        // The same objects, inserted in the opposite order and assigned in the opposite order.
        var reversed = Reverse(set);
        var swapped = new DeviceAssignment { DeviceId = Device.Id, Apps = [.. assignment.Apps.AsEnumerable().Reverse()], ConfigItems = [.. assignment.ConfigItems.AsEnumerable().Reverse()] };
        var second = ConfigCompiler.Compile(Device, ExpandedAssignment.Of(swapped, reversed), "ctl.example:8443", Options);

        Assert.That(second.ToByteArray(), Is.EqualTo(first.ToByteArray()));
        Assert.That(ConfigCompiler.ContentHash(second), Is.EqualTo(ConfigCompiler.ContentHash(first)));
        Assert.That(first.Apps.Select(a => a.Uuidandversion.Uuid), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(first.ConfigItems.Select(i => i.Key), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }

    [Test]
    public void AChangedObject_ChangesTheHash_AndVolumesKeepTheirIds()
    {
        var (set, assignment) = Objects();
        var before = ConfigCompiler.Compile(Device, ExpandedAssignment.Of(assignment, set), "ctl.example:8443", Options);
        set.Apps.Values.First().MemoryMb = 1024;
        set.Apps.Values.First().Revision = 2;
        var after = ConfigCompiler.Compile(Device, ExpandedAssignment.Of(assignment, set), "ctl.example:8443", Options);
        Assert.That(ConfigCompiler.ContentHash(after), Is.Not.EqualTo(ConfigCompiler.ContentHash(before)));
        Assert.That(after.Volumes.Select(v => v.Uuid), Is.EqualTo(before.Volumes.Select(v => v.Uuid)), "the app's disks survive a memory change");
    }

    [Test]
    public void AppManifest_BecomesEveConfig_WithVolumesContentTreesDatastoreAndAces()
    {
        var (set, assignment) = Objects();
        var config = ConfigCompiler.Compile(Device, ExpandedAssignment.Of(assignment, set), "ctl.example:8443", Options);
        var web = config.Apps.Single(a => a.Displayname == "web");
        Assert.That(web.Fixedresources.Memory, Is.EqualTo(512 * 1024));
        Assert.That(web.Fixedresources.EnableVnc, Is.True);
        Assert.That(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(web.UserData)), Is.EqualTo("#cloud-config\n"));
        var ds = config.Datastores.Single();
        Assert.That((ds.Fqdn, ds.Dpath, ds.DType), Is.EqualTo(("https://ctl.example:8443", "api/v2/ext/images", DsType.DsHttps)));
        var aces = web.Interfaces.Single().Acls;
        Assert.That(aces.Select(a => a.Actions.Single().Portmap), Is.EqualTo(new[] { false, true }));
        Assert.That(aces[1].Actions[0].AppPort, Is.EqualTo(80));
        Assert.That(config.ConfigItems.Single(i => i.Key == "timer.config.interval").Value, Is.EqualTo("30"), "an assigned item overrides the default");
        Assert.That(config.DeviceName, Is.EqualTo("press-7"));
        // The agent's own resolver finds every app's volumes and content.
        var problems = Eve.Appliance.Controller.Configs.ConfigValidator.Validate(config, Device.Id);
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public void DeviceChecks_NameOverlapsCapacityAndMissingPorts()
    {
        var (set, assignment) = Objects();
        set.Networks.Values.First().Subnet = "10.1.0.0/16";
        var extra = new NetworkObject { Id = "00000000-0000-4000-8000-00000000aaaa", Name = "other", Kind = "local", Subnet = "10.1.2.0/24", Port = "eth9" };
        set.Networks[extra.Id] = extra;
        assignment.Networks.Add(extra.Id);
        var problems = DeviceChecks.Check(Device with { MemoryMb = 600 }, ExpandedAssignment.Of(assignment, set));
        Assert.That(problems.Select(p => p.Rule), Has.Some.StartsWith("overlapping subnets"));
        Assert.That(problems.Select(p => p.Rule), Has.Some.StartsWith("memory over the device's capacity: its running apps ask for 768 MB, the device reports 600 MB"));
        Assert.That(problems.Select(p => p.Rule), Has.Some.Contains("uses port 'eth9'"));
    }

    private static (ObjectSet Set, DeviceAssignment Assignment) Objects()
    {
        var image = new ImageObject { Id = "0d6a0c1e-1111-4000-8000-000000000001", Name = "ubuntu", Sha256 = new string('a', 64), SizeBytes = 1 << 20, Format = "qcow2", Revision = 1 };
        var net = new NetworkObject { Id = "0d6a0c1e-2222-4000-8000-000000000001", Name = "lan", Kind = "local", Subnet = "10.1.0.0/24", Gateway = "10.1.0.1", Revision = 1 };
        var web = new AppObject
        {
            Id = "0d6a0c1e-3333-4000-8000-000000000001", Name = "web", MemoryMb = 512, Cpus = 2, Vnc = true, UserData = "#cloud-config\n", Revision = 1,
            Images = [new AppImageRef { ImageId = image.Id }],
            Interfaces = [new AppInterface { Name = "eth0", NetworkId = net.Id, Acls =
                [new AclRule { Matches = [new AclMatch { Type = "ip", Value = "0.0.0.0/0" }] },
                 new AclRule { Matches = [new AclMatch { Type = "protocol", Value = "tcp" }, new AclMatch { Type = "lport", Value = "8080" }], Action = "portmap", AppPort = 80 }] }],
        };
        var db = new AppObject { Id = "0d6a0c1e-3333-4000-8000-000000000000", Name = "db", MemoryMb = 256, Revision = 1, Images = [new AppImageRef { ImageId = image.Id, SizeBytes = 4 << 20 }] };
        var item = new ConfigItemObject { Id = "0d6a0c1e-4444-4000-8000-000000000001", Name = "timer.config.interval", Value = "30", Revision = 1 };
        var item2 = new ConfigItemObject { Id = "0d6a0c1e-4444-4000-8000-000000000000", Name = "app.allow.vnc", Value = "true", Revision = 1 };
        var set = new ObjectSet(
            new() { [image.Id] = image }, [], new() { [web.Id] = web, [db.Id] = db }, new() { [net.Id] = net }, [], [],
            new() { [item.Id] = item, [item2.Id] = item2 }, [], []);
        return (set, new DeviceAssignment { DeviceId = Device.Id, Apps = [web.Id, db.Id], ConfigItems = [item.Id, item2.Id] });
    }

    private static ObjectSet Reverse(ObjectSet s)
    {
        static Dictionary<string, T> R<T>(Dictionary<string, T> d) => d.Reverse().ToDictionary(x => x.Key, x => x.Value);
        return new ObjectSet(R(s.Images), R(s.Datastores), R(s.Apps), R(s.Networks), R(s.Volumes), R(s.PortConfigs), R(s.ConfigItems), R(s.BaseOs), R(s.Profiles));
    }
}
