using System.Text.Json.Nodes;

namespace Eve.Appliance.Cli;

/// <summary>
/// `ctl` verbs for the typed objects, assignments, config versions and the audit log: a client of
/// the operator REST API (/api/ops/v1) over the admin socket, where the socket's mode makes the
/// caller the local admin, or over the TLS listener with a token (`ctl --server … --token …`).
/// Listings follow the API's pages to the end.
/// </summary>
internal static class OpsCtl
{
    public const string Usage = """
          KIND list | show ID | create FILE.json | update ID FILE.json | delete ID
                                              KIND: app, network, image, datastore, volume, port-config,
                                              config-item, base-os, profile (ID may be the name)
          image add FILE                      copy a file on the controller host into the built-in datastore and
                                              make an image object for it (named after the file); prints sha256 and URL
          image upload FILE --name N [--format qcow2|raw|iso]   upload into the built-in datastore + image object
          app start|stop|restart|purge ID     app actions on every device it is assigned to
          assign DEVICE [--app A]... [--network N]... [--volume V]... [--config-item I]...
                 [--profile P]... [--port-config PC] [--base-os B]   what the device runs (replaces)
          assignment DEVICE                   the device's assignment and mode (objects | raw | none)
          config versions DEVICE              config versions, newest first
          config diff DEVICE [--from A] [--to B]   field-path diff (default: latest vs the one before)
          config revert DEVICE VERSION        publish an earlier version again (device goes raw)
          audit [--actor A] [--kind K] [--object O] [--since T] [--limit N]
          operator list | add NAME --role R [--password-file F]
          token list | create NAME --role R [--operator O] [--hours H] | revoke ID
          local-profile get | set FILE.json   the built-in local profile server's state (network: the local
                                              operator's port configs, applied where the controller allows)
        """;

    private static readonly Dictionary<string, (string Path, string[] Columns)> Kinds = new(StringComparer.Ordinal)
    {
        ["app"] = ("apps", ["id", "name", "revision", "cpus", "memoryMb", "activate"]),
        ["network"] = ("networks", ["id", "name", "revision", "kind", "port", "subnet"]),
        ["image"] = ("images", ["id", "name", "revision", "format", "sizeBytes", "sha256"]),
        ["datastore"] = ("datastores", ["id", "name", "revision", "type", "fqdn"]),
        ["volume"] = ("volumes", ["id", "name", "revision", "sizeBytes", "imageId"]),
        ["port-config"] = ("port-configs", ["id", "name", "revision", "ports"]),
        ["config-item"] = ("config-items", ["id", "name", "value", "revision"]),
        ["base-os"] = ("base-os", ["id", "name", "version", "imageId", "activate"]),
        ["profile"] = ("profiles", ["id", "name", "revision", "apps", "networks"]),
    };

    public static bool Handles(string verb, Args args) =>
        Kinds.ContainsKey(verb)
        || verb is "assign" or "assignment" or "audit" or "operator" or "token" or "local-profile"
        || (verb == "config" && args.Positional.ElementAtOrDefault(2) is "versions" or "diff" or "revert");

    public static async Task<ExitCode> RunAsync(string verb, Args args, AdminClient client, TextWriter stdout, bool json)
    {
        try
        {
            return await DispatchAsync(verb, args, client, stdout, json);
        }
        catch (AdminRefusedException e) when (e.Message.StartsWith('{'))
        {
            throw new AdminRefusedException(e.Status, Readable(e.Message));
        }
    }

    private static async Task<ExitCode> DispatchAsync(string verb, Args args, AdminClient client, TextWriter stdout, bool json)
    {
        const string api = "api/ops/v1/";
        JsonNode? result;
        switch (verb)
        {
            case "assign":
                var device = args.Word(2, "DEVICE");
                var body = new JsonObject
                {
                    ["apps"] = Array(args.GetAll("app")), ["networks"] = Array(args.GetAll("network")), ["volumes"] = Array(args.GetAll("volume")),
                    ["configItems"] = Array(args.GetAll("config-item")), ["profiles"] = Array(args.GetAll("profile")),
                    ["portConfig"] = args.Get("port-config"), ["baseOs"] = args.Get("base-os"),
                };
                args.EnsureAllUsed();
                result = await client.PutTextAsync($"{api}devices/{Esc(device)}/assignment", body.ToJsonString());
                break;
            case "assignment":
                var of = args.Word(2, "DEVICE");
                args.EnsureAllUsed();
                result = await client.GetAsync($"{api}devices/{Esc(of)}/assignment");
                break;
            case "config":
                return await ConfigAsync(args, client, stdout, json);
            case "local-profile" when args.Word(2, "local-profile verb (get, set)") == "get":
                args.EnsureAllUsed();
                result = await client.GetAsync($"{api}local-profile");
                break;
            case "local-profile" when args.Word(2, "local-profile verb (get, set)") == "set":
                var stateFile = args.Word(3, "FILE.json");
                args.EnsureAllUsed();
                result = await client.PutTextAsync($"{api}local-profile", await File.ReadAllTextAsync(stateFile));
                break;
            case "audit":
                var q = Query(("actor", args.Get("actor")), ("kind", args.Get("kind")), ("object", args.Get("object")), ("since", args.Get("since")));
                var max = args.Get("limit") is { } l ? PositiveNumber(l, "--limit") : int.MaxValue;
                args.EnsureAllUsed();
                result = await client.GetAllAsync($"{api}audit{q}", max: max);
                if (!json) { Tables.Print(stdout, result, "at", "actor", "via", "action", "kind", "objectName", "status", "detail"); return ExitCode.Ok; }
                break;
            case "operator":
                result = await OperatorAsync(args, client);
                if (!json && result is JsonArray) { Tables.Print(stdout, result, "name", "role", "hasPassword", "certThumbprints"); return ExitCode.Ok; }
                break;
            case "token":
                result = await TokenAsync(args, client);
                if (!json && result is JsonArray) { Tables.Print(stdout, result, "id", "operator", "role", "name", "kind", "expiresAt"); return ExitCode.Ok; }
                break;
            default:
                return await ObjectAsync(verb, args, client, stdout, json);
        }
        stdout.WriteLine(result?.ToJsonString(AdminClient.Json) ?? "");
        return ExitCode.Ok;
    }

    private static async Task<ExitCode> ObjectAsync(string kindWord, Args args, AdminClient client, TextWriter stdout, bool json)
    {
        var (path, columns) = Kinds[kindWord];
        var root = $"api/ops/v1/{path}";
        var action = args.Word(2, $"{kindWord} verb (list, show, create, update, delete)");
        JsonNode? result;
        switch (action)
        {
            case "list":
                args.EnsureAllUsed();
                result = await client.GetAllAsync(root);
                if (!json) { Tables.Print(stdout, result, columns); return ExitCode.Ok; }
                break;
            case "show":
                var id = args.Word(3, "ID");
                args.EnsureAllUsed();
                result = await client.GetAsync($"{root}/{Esc(id)}");
                break;
            case "create":
                var file = args.Word(3, "FILE.json");
                args.EnsureAllUsed();
                result = await client.PostTextAsync(root, await File.ReadAllTextAsync(file));
                if (!json) { stdout.WriteLine($"created {kindWord} '{result?["name"]}' {result?["id"]}"); return ExitCode.Ok; }
                break;
            case "update":
                var uid = args.Word(3, "ID");
                var ufile = args.Word(4, "FILE.json");
                args.EnsureAllUsed();
                result = await client.PutTextAsync($"{root}/{Esc(uid)}", await File.ReadAllTextAsync(ufile));
                if (!json) { stdout.WriteLine($"updated {kindWord} '{result?["name"]}' to revision {result?["revision"]}"); return ExitCode.Ok; }
                break;
            case "delete":
                var did = args.Word(3, "ID");
                args.EnsureAllUsed();
                await client.DeleteAsync($"{root}/{Esc(did)}");
                stdout.WriteLine($"deleted {kindWord} {did}");
                return ExitCode.Ok;
            case "upload" when kindWord == "image":
                var image = Path.GetFullPath(args.Word(3, "FILE"));
                var name = args.Get("name") ?? Path.GetFileName(image);
                var format = args.Get("format") ?? (image.EndsWith(".qcow2", StringComparison.Ordinal) ? "qcow2" : "raw");
                args.EnsureAllUsed();
                await using (var stream = File.OpenRead(image))
                    result = await client.PostStreamAsync($"{root}/upload?name={Esc(name)}&format={Esc(format)}", stream);
                if (!json) { stdout.WriteLine($"image '{result?["name"]}' {result?["id"]} sha256 {result?["sha256"]}"); return ExitCode.Ok; }
                break;
            case "add" when kindWord == "image":
                return await ImageAddAsync(Path.GetFullPath(args.Word(3, "image FILE")), args, client, stdout, json);
            case "start" or "stop" or "restart" or "purge" when kindWord == "app":
                var aid = args.Word(3, "ID");
                args.EnsureAllUsed();
                result = await client.PostTextAsync($"{root}/{Esc(aid)}/{action}", "");
                if (!json) { stdout.WriteLine($"app '{result?["name"]}': {action} published (revision {result?["revision"]})"); return ExitCode.Ok; }
                break;
            default:
                throw new UsageException($"unknown {kindWord} verb '{action}'\n{Usage}");
        }
        stdout.WriteLine(result?.ToJsonString(AdminClient.Json) ?? "");
        return ExitCode.Ok;
    }

    /// <summary>The built-in datastore copies the file (a path on the controller's host, as the
    /// admin socket is local); the image object makes it usable by apps. A file already known by its
    /// hash keeps its object.</summary>
    private static async Task<ExitCode> ImageAddAsync(string file, Args args, AdminClient client, TextWriter stdout, bool json)
    {
        args.EnsureAllUsed();
        if (client.Remote != null)
            throw new UsageException("`image add` copies a file on the controller's own host (local --data-dir only); over --server send the bytes with `image upload FILE --name N`");
        var blob = await client.PostAsync("admin/images", new { path = file });
        var sha = blob!["sha256"]!.GetValue<string>();
        var objects = await client.GetAllAsync("api/ops/v1/images");
        if (!objects.Any(o => o?["sha256"]?.GetValue<string>() == sha))
        {
            var name = Path.GetFileName(file);
            if (objects.Any(o => o?["name"]?.GetValue<string>() == name)) name = $"{name}-{sha[..8]}";
            var format = file.EndsWith(".qcow2", StringComparison.Ordinal) ? "qcow2" : file.EndsWith(".iso", StringComparison.Ordinal) ? "iso" : "raw";
            await client.PostTextAsync("api/ops/v1/images", new JsonObject { ["name"] = name, ["sha256"] = sha, ["format"] = format }.ToJsonString());
        }
        stdout.WriteLine(json ? blob.ToJsonString(AdminClient.Json) : $"sha256 {sha}\nurl    {blob["url"]}");
        return ExitCode.Ok;
    }

    private static async Task<ExitCode> ConfigAsync(Args args, AdminClient client, TextWriter stdout, bool json)
    {
        var action = args.Word(2, "config verb");
        var device = Esc(args.Word(3, "DEVICE"));
        switch (action)
        {
            case "versions":
                args.EnsureAllUsed();
                var versions = await client.GetAllAsync($"api/ops/v1/devices/{device}/config/versions");
                if (json) stdout.WriteLine(versions?.ToJsonString(AdminClient.Json));
                else Tables.Print(stdout, versions, "version", "source", "actor", "at", "contentHash");
                return ExitCode.Ok;
            case "diff":
                var q = Query(("from", args.Get("from")), ("to", args.Get("to")));
                args.EnsureAllUsed();
                var diff = await client.GetAsync($"api/ops/v1/devices/{device}/config/diff{q}");
                if (json) stdout.WriteLine(diff?.ToJsonString(AdminClient.Json));
                else
                {
                    stdout.WriteLine($"version {diff?["from"]} → {diff?["to"]}");
                    var text = diff?["text"]?.GetValue<string>() ?? "";
                    stdout.WriteLine(text == "" ? "(no differences)" : text);
                }
                return ExitCode.Ok;
            case "revert":
                var version = args.Word(4, "VERSION");
                args.EnsureAllUsed();
                var reverted = await client.PostTextAsync($"api/ops/v1/devices/{device}/config/revert", new JsonObject { ["version"] = int.Parse(version, System.Globalization.CultureInfo.InvariantCulture) }.ToJsonString());
                stdout.WriteLine(json ? reverted?.ToJsonString(AdminClient.Json) : $"version {version} published again as version {reverted?["version"]} (hash {reverted?["hash"]})");
                return ExitCode.Ok;
            default:
                throw new UsageException($"unknown config verb '{action}'");
        }
    }

    private static async Task<JsonNode?> OperatorAsync(Args args, AdminClient client)
    {
        switch (args.Word(2, "operator verb (list, add)"))
        {
            case "list":
                args.EnsureAllUsed();
                return await client.GetAllAsync("api/ops/v1/operators");
            case "add":
                var name = args.Word(3, "NAME");
                var role = args.Require("role");
                var password = args.Get("password-file") is { } f ? (await File.ReadAllTextAsync(f)).Trim() : null;
                args.EnsureAllUsed();
                return await client.PostTextAsync("api/ops/v1/operators", new JsonObject { ["name"] = name, ["role"] = role, ["password"] = password }.ToJsonString());
            default:
                throw new UsageException("operator verbs: list, add");
        }
    }

    private static async Task<JsonNode?> TokenAsync(Args args, AdminClient client)
    {
        switch (args.Word(2, "token verb (list, create, revoke)"))
        {
            case "list":
                args.EnsureAllUsed();
                return await client.GetAllAsync("api/ops/v1/tokens");
            case "create":
                var name = args.Word(3, "NAME");
                var body = new JsonObject { ["name"] = name, ["role"] = args.Require("role"), ["operator"] = args.Get("operator") };
                if (args.Get("hours") is { } h) body["lifetimeHours"] = double.Parse(h, System.Globalization.CultureInfo.InvariantCulture);
                args.EnsureAllUsed();
                return await client.PostTextAsync("api/ops/v1/tokens", body.ToJsonString());
            case "revoke":
                var id = args.Word(3, "ID");
                args.EnsureAllUsed();
                await client.DeleteAsync($"api/ops/v1/tokens/{Esc(id)}");
                return JsonValue.Create($"revoked {id}");
            default:
                throw new UsageException("token verbs: list, create, revoke");
        }
    }

    /// <summary>The API's JSON refusal as lines: the heading, then "field: rule" per problem.</summary>
    public static string Readable(string body)
    {
        try
        {
            var node = JsonNode.Parse(body);
            var lines = new List<string> { node?["error"]?.GetValue<string>() ?? body };
            foreach (var p in node?["problems"] as JsonArray ?? [])
                lines.Add($"  - {p?["field"]}: {p?["rule"]}");
            return string.Join('\n', lines);
        }
        catch (System.Text.Json.JsonException)
        {
            return body;
        }
    }

    private static int PositiveNumber(string text, string option) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : throw new UsageException($"{option} '{text}': must be a whole number above 0");

    private static JsonArray Array(IReadOnlyList<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static string Esc(string s) => Uri.EscapeDataString(s);

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var set = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return set.Count == 0 ? "" : "?" + string.Join('&', set);
    }
}
