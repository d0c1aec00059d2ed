using System.Text.Json.Nodes;

namespace Eve.Appliance.Cli;

/// <summary>
/// `eve-appliance ctl --data-dir DIR …`: the operator CLI, a client of the running controller.
/// Every listing has --json for scripts; the default is a table for people.
/// </summary>
internal static class CtlCommand
{
    public const string Usage = CtlConnection.Usage + "\n" + """
          status                              controller address, device count, request counters
          onboard add --cert FILE [--serial S]...   allow an onboarding cert (serial '*' = any)
          onboard list
          devices                             registered devices
          device add --cert FILE [--serial S] pre-register a device by its device cert
          device show ID                      one device (ID may be a prefix, name or serial)
          device delete ID
          config get ID                       the device's EdgeDevConfig (canonical JSON)
          config set ID FILE.json             raw override: validate and assign a whole config (new version;
                                              the device leaves the object model until `assign`)
          info ID [--history]                 the latest info per object (--history: its last changes)
          metrics ID [--since T] [--tier raw|minute|hour] [--object app/UUID|ni/UUID|vol/UUID]
                                              numeric series of the device or one of its apps, network
                                              instances, volumes (T: ISO time or 15m, 6h, 7d; default
                                              the last hour; tier: finest that covers T)
          metrics ID --last N                 the last N metrics messages, whole
          logs ID [--app A] [--level L] [--since T] [--text S] [--follow] [--limit N]
                                              device and app log lines (--app device = the device's own;
                                              --level L = L and more severe)
          acls ID                             each app interface's ACL in words (first match wins)
          flows ID                            the app flow records the device sent (newest 200 per app)
        """ + "\n" + OpsCtl.Usage;

    public static async Task<ExitCode> RunAsync(Args args, TextWriter stdout)
    {
        var json = args.Flag("json");
        var verb = args.Word(1, "ctl command (see `eve-appliance help`)");
        using var client = CtlConnection.Open(args);
        if (OpsCtl.Handles(verb, args)) return await OpsCtl.RunAsync(verb, args, client, stdout, json);
        if (client.Remote != null)
            throw new UsageException($"`ctl {verb}` uses the controller's local admin API: run it on the controller's host with --data-dir; over --server the operator API verbs work (see `eve-appliance help`)");
        JsonNode? result;
        switch (verb)
        {
            case "status":
                args.EnsureAllUsed();
                result = await client.GetAsync("admin/status");
                break;
            case "onboard" when args.Word(2, "onboard verb (add, list)") == "add":
                var cert = await File.ReadAllTextAsync(args.Require("cert"));
                var serials = args.GetAll("serial");
                args.EnsureAllUsed();
                result = await client.PostAsync("admin/onboard", new { certPem = cert, serials });
                break;
            case "onboard" when args.Word(2, "onboard verb") == "list":
                args.EnsureAllUsed();
                result = await client.GetAsync("admin/onboard");
                if (!json) { Tables.Print(stdout, result, "id", "subject", "serials", "addedAt"); return ExitCode.Ok; }
                break;
            case "devices":
                args.EnsureAllUsed();
                result = await client.GetAsync("admin/devices");
                if (!json) { Tables.Print(stdout, result, "id", "name", "serial", "configVersion", "lastSeenAt"); return ExitCode.Ok; }
                break;
            case "device":
                result = await DeviceAsync(args, client);
                break;
            case "config":
                result = await ConfigAsync(args, client, stdout, json);
                if (result == null) return ExitCode.Ok;
                break;
            case "info":
                var infoId = args.Word(2, "device ID");
                var history = args.Flag("history");
                args.EnsureAllUsed();
                result = await client.GetAsync($"admin/devices/{Uri.EscapeDataString(infoId)}/info{(history ? "/history" : "")}");
                break;
            case "metrics":
                var metricsId = args.Word(2, "device ID");
                if (args.Get("last") is { } last)
                {
                    args.EnsureAllUsed();
                    result = await client.GetAsync($"admin/devices/{Uri.EscapeDataString(metricsId)}/metrics?last={Uri.EscapeDataString(last)}");
                    break;
                }
                result = await client.GetAsync($"admin/devices/{Uri.EscapeDataString(metricsId)}/metrics/series{Query(("since", args.Get("since")), ("tier", args.Get("tier")), ("object", args.Get("object")))}");
                args.EnsureAllUsed();
                if (!json) { SeriesTable.Print(stdout, result as JsonArray ?? []); return ExitCode.Ok; }
                break;
            case "logs":
                return await LogsAsync(args, client, stdout, json);
            case "acls":
                return await NetworkViews.AclsAsync(args, client, stdout, json);
            case "flows":
                return await NetworkViews.FlowsAsync(args, client, stdout, json);
            default:
                throw new UsageException($"unknown ctl command '{verb}'\n{Usage}");
        }
        stdout.WriteLine(result?.ToJsonString(AdminClient.Json) ?? "");
        return ExitCode.Ok;
    }

    private static async Task<JsonNode?> DeviceAsync(Args args, AdminClient client)
    {
        var verb = args.Word(2, "device verb (add, show, delete)");
        switch (verb)
        {
            case "add":
                var cert = await File.ReadAllTextAsync(args.Require("cert"));
                var serial = args.Get("serial");
                args.EnsureAllUsed();
                return await client.PostAsync("admin/devices", new { certPem = cert, serial });
            case "show":
                var id = args.Word(3, "device ID");
                args.EnsureAllUsed();
                return await client.GetAsync($"admin/devices/{Uri.EscapeDataString(id)}");
            case "delete":
                var del = args.Word(3, "device ID");
                args.EnsureAllUsed();
                await client.DeleteAsync($"admin/devices/{Uri.EscapeDataString(del)}");
                return JsonValue.Create($"deleted {del}");
            default:
                throw new UsageException($"unknown device verb '{verb}' (add, show, delete)");
        }
    }

    private static async Task<JsonNode?> ConfigAsync(Args args, AdminClient client, TextWriter stdout, bool json)
    {
        var verb = args.Word(2, "config verb (get, set)");
        var id = args.Word(3, "device ID");
        switch (verb)
        {
            case "get":
                args.EnsureAllUsed();
                var got = await client.GetAsync($"admin/devices/{Uri.EscapeDataString(id)}/config");
                // Without --json print just the EdgeDevConfig, ready to edit and `config set`.
                return json ? got : got?["config"];
            case "set":
                var file = args.Word(4, "FILE.json");
                args.EnsureAllUsed();
                var set = await client.PutTextAsync($"admin/devices/{Uri.EscapeDataString(id)}/config", await File.ReadAllTextAsync(file));
                if (json) return set;
                stdout.WriteLine($"config version {set?["version"]} assigned to {id} (hash {set?["hash"]})");
                return null;
            default:
                throw new UsageException($"unknown config verb '{verb}' (get, set)");
        }
    }

    private static async Task<ExitCode> LogsAsync(Args args, AdminClient client, TextWriter stdout, bool json)
    {
        var id = args.Word(2, "device ID");
        var follow = args.Flag("follow");
        var limit = args.Get("limit") ?? "1000";
        var filters = Query(("app", args.Get("app")), ("level", args.Get("level")), ("since", args.Get("since")), ("text", args.Get("text")));
        args.EnsureAllUsed();
        long after = 0;
        while (true)
        {
            var lines = await client.GetAsync($"admin/devices/{Uri.EscapeDataString(id)}/logs{filters}{(filters == "" ? "?" : "&")}after={after}&limit={Uri.EscapeDataString(limit)}") as JsonArray ?? [];
            foreach (var line in lines)
            {
                after = Math.Max(after, line!["id"]!.GetValue<long>());
                if (json) stdout.WriteLine(line.ToJsonString());
                else stdout.WriteLine($"{line["at"]} {line["severity"],-7} {line["source"]}{(line["appId"]?.GetValue<string>() is { Length: > 0 } app ? $" app={app}" : "")}: {line["content"]}");
            }
            if (!follow) return ExitCode.Ok;
            await stdout.FlushAsync();
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>"?a=1&amp;b=2" from the parameters that are set, "" when none is.</summary>
    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var set = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return set.Count == 0 ? "" : "?" + string.Join('&', set);
    }
}
