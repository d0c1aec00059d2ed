using System.Text.Json.Nodes;
using Eve.Appliance.Agent.Networks;
using Eve.Appliance.Api;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Cli;

/// <summary>`ctl acls ID` and `ctl flows ID`: a device's app ACLs in words, from the config the
/// controller holds (so it works for any EVE device), and the flow records the device sent.</summary>
internal static class NetworkViews
{
    public static async Task<ExitCode> AclsAsync(Args args, AdminClient client, TextWriter stdout, bool json)
    {
        var id = args.Word(2, "device ID");
        args.EnsureAllUsed();
        var got = await client.GetAsync($"admin/devices/{Uri.EscapeDataString(id)}/config");
        var config = ProtoRegistry.CanonicalJsonParser.Parse<EdgeDevConfig>(got!["config"]!.ToJsonString());
        var rows = Rows(config).ToList();
        if (json)
        {
            stdout.WriteLine(new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
            {
                ["app"] = r.App, ["interface"] = r.Interface, ["network"] = r.Network, ["acl"] = r.Words,
            })]).ToJsonString(AdminClient.Json));
            return ExitCode.Ok;
        }
        foreach (var r in rows) stdout.WriteLine($"{r.App} {r.Interface} (network {r.Network}): {r.Words}");
        if (rows.Count == 0) stdout.WriteLine("no app interfaces on network instances");
        return ExitCode.Ok;
    }

    public static IEnumerable<(string App, string Interface, string Network, string Words)> Rows(EdgeDevConfig config)
    {
        var networks = config.NetworkInstances.Where(n => n.Uuidandversion != null)
            .ToDictionary(n => n.Uuidandversion.Uuid, n => n.Displayname.Length > 0 ? n.Displayname : n.Uuidandversion.Uuid, StringComparer.OrdinalIgnoreCase);
        foreach (var app in config.Apps)
            foreach (var (nic, i) in app.Interfaces.Select((n, i) => (n, i)))
                yield return (app.Displayname, nic.Name.Length > 0 ? nic.Name : $"#{i}", networks.GetValueOrDefault(nic.NetworkId, nic.NetworkId),
                    AclWords.Describe(nic.Acls));
    }

    public static async Task<ExitCode> FlowsAsync(Args args, AdminClient client, TextWriter stdout, bool json)
    {
        var id = args.Word(2, "device ID");
        args.EnsureAllUsed();
        var info = (await client.GetAsync($"admin/devices/{Uri.EscapeDataString(id)}/info"))?.AsArray() ?? [];
        var messages = info.Where(i => i?["kind"]?.GetValue<string>() == "flowlog").Select(i => i!["message"]).OfType<JsonNode>().ToList();
        if (json)
        {
            stdout.WriteLine(new JsonArray([.. messages.Select(m => m.DeepClone())]).ToJsonString(AdminClient.Json));
            return ExitCode.Ok;
        }
        foreach (var m in messages)
        {
            stdout.WriteLine($"app {m["scope"]?["uuid"]} {m["scope"]?["intf"]} ({m["scope"]?["localIntf"]}):");
            foreach (var f in m["flows"]?.AsArray().OfType<JsonNode>() ?? [])
            {
                var flow = f["flow"];
                stdout.WriteLine($"  {f["endTime"]} {(f["inbound"]?.GetValue<bool>() == true ? "in " : "out")} proto {flow?["protocol"]} " +
                    $"{flow?["src"]}:{flow?["srcPort"]} -> {flow?["dest"]}:{flow?["destPort"]}  tx {f["txBytes"] ?? 0} B rx {f["rxBytes"] ?? 0} B" +
                    $"  by {(f["aclId"] is { } ace ? $"ACE {ace} {f["aclName"]}" : "implicit rule")}");
            }
        }
        if (messages.Count == 0) stdout.WriteLine("no flow records from this device");
        return ExitCode.Ok;
    }
}
