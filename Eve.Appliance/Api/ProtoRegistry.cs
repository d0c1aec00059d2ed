using System.Reflection;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Eve.Appliance.Api;

/// <summary>
/// Every EVE API message by its full proto name ("org.lfedge.eve.config.EdgeDevConfig").
/// Operators debug captures by name (`proto decode --type`), and the vectors name their types the
/// same way, so one registry serves the CLI, the JSON formatter and the tests.
/// </summary>
internal static class ProtoRegistry
{
    private static readonly Lazy<TypeRegistry> Registry = new(Build);

    public static TypeRegistry Types => Registry.Value;

    public static IEnumerable<MessageDescriptor> AllMessages =>
        FileDescriptors().SelectMany(f => Flatten(f.MessageTypes));

    /// <summary>Finds a message type or throws an error that lists close matches.</summary>
    public static MessageDescriptor Find(string fullName)
    {
        var found = Types.Find(fullName);
        if (found != null) return found;
        var hints = AllMessages.Select(m => m.FullName)
            .Where(n => n.EndsWith("." + fullName, StringComparison.OrdinalIgnoreCase)
                        || n.Contains(fullName, StringComparison.OrdinalIgnoreCase))
            .Take(5).ToList();
        var hint = hints.Count > 0 ? $" Did you mean: {string.Join(", ", hints)}?" : "";
        throw new ArgumentException($"unknown message type '{fullName}': use a full proto name such as org.lfedge.eve.config.EdgeDevConfig.{hint}");
    }

    public static JsonFormatter CanonicalJson { get; } =
        new(JsonFormatter.Settings.Default.WithTypeRegistry(Registry.Value).WithIndentation("  "));

    public static JsonParser CanonicalJsonParser { get; } =
        new(JsonParser.Settings.Default.WithTypeRegistry(Registry.Value));

    private static TypeRegistry Build() => TypeRegistry.FromFiles(FileDescriptors().ToArray());

    private static IEnumerable<FileDescriptor> FileDescriptors() =>
        typeof(ProtoRegistry).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Org.Lfedge.Eve", StringComparison.Ordinal) == true
                        && t.Name.EndsWith("Reflection", StringComparison.Ordinal))
            .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null))
            .OfType<FileDescriptor>();

    private static IEnumerable<MessageDescriptor> Flatten(IEnumerable<MessageDescriptor> messages) =>
        messages.SelectMany(m => new[] { m }.Concat(Flatten(m.NestedTypes)));
}
