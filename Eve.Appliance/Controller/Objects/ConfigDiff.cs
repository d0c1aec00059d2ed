using System.Text.Json.Nodes;
using Eve.Appliance.Api;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Controller.Objects;

/// <summary>
/// What changed between two configs, as field paths of the canonical JSON: list elements are named
/// by their display name, name, key or id rather than their index, so inserting an app does not
/// show every later app as changed ("apps[web].fixedresources.memory: 262144 → 524288").
/// </summary>
internal static class ConfigDiff
{
    public sealed record Change(string Path, string Op, JsonNode? Old, JsonNode? New)
    {
        public override string ToString() => Op switch
        {
            "added" => $"+ {Path} = {New?.ToJsonString()}",
            "removed" => $"- {Path} = {Old?.ToJsonString()}",
            _ => $"~ {Path}: {Old?.ToJsonString()} → {New?.ToJsonString()}",
        };
    }

    private static readonly string[] KeyFields = ["displayname", "displayName", "name", "key", "logicallabel", "uuid", "id"];

    public static IReadOnlyList<Change> Of(EdgeDevConfig from, EdgeDevConfig to)
    {
        var changes = new List<Change>();
        Walk("", Json(from), Json(to), changes);
        return changes;
    }

    private static JsonNode? Json(EdgeDevConfig c) => JsonNode.Parse(ProtoRegistry.CanonicalJson.Format(c));

    private static void Walk(string path, JsonNode? a, JsonNode? b, List<Change> changes)
    {
        switch (a, b)
        {
            case (JsonObject oa, JsonObject ob):
                foreach (var name in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)).Order(StringComparer.Ordinal))
                    Walk(path == "" ? name : $"{path}.{name}", oa[name], ob[name], changes);
                break;
            case (JsonArray aa, JsonArray ab):
                var ka = Keyed(aa);
                var kb = Keyed(ab);
                foreach (var key in ka.Keys.Union(kb.Keys))
                    Walk($"{path}[{key}]", ka.GetValueOrDefault(key), kb.GetValueOrDefault(key), changes);
                break;
            case (null, null):
                break;
            case (null, _):
                changes.Add(new Change(path, "added", null, b!.DeepClone()));
                break;
            case (_, null):
                changes.Add(new Change(path, "removed", a.DeepClone(), null));
                break;
            default:
                if (!JsonNode.DeepEquals(a, b)) changes.Add(new Change(path, "changed", a.DeepClone(), b.DeepClone()));
                break;
        }
    }

    /// <summary>Elements by a readable key when every element has a distinct one, else by index.</summary>
    private static Dictionary<string, JsonNode?> Keyed(JsonArray array)
    {
        foreach (var field in KeyFields)
        {
            var keys = array.Select(e => KeyOf(e, field)).ToList();
            if (keys.All(k => k != null) && keys.Distinct(StringComparer.Ordinal).Count() == keys.Count)
                return keys.Select((k, i) => (k!, array[i])).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
        }
        var byUuid = array.Select(e => (e as JsonObject)?["uuidandversion"]?["uuid"]?.GetValue<string>()).ToList();
        if (byUuid.All(k => k != null) && byUuid.Distinct().Count() == byUuid.Count)
            return byUuid.Select((k, i) => (k!, array[i])).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
        return array.Select((e, i) => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), e)).ToDictionary(x => x.Item1, x => x.e, StringComparer.Ordinal);
    }

    private static string? KeyOf(JsonNode? e, string field) =>
        e is JsonObject o && o[field] is JsonValue v && v.TryGetValue<string>(out var s) && s != "" ? s : null;
}
