using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Eve.Appliance.Tests.Agent.Telemetry.Info;

/// <summary>The field paths a protobuf message fills ("dinfo.network[].macAddr"), by reflection: a
/// scalar that is not its default, a message that is present, a repeated field with an element (its
/// elements' fields are the union over all elements).</summary>
internal static class FilledFields
{
    public static SortedSet<string> Of(IMessage message)
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        Walk(message, "", paths);
        return paths;
    }

    private static void Walk(IMessage message, string prefix, SortedSet<string> paths)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var path = prefix + field.Name;
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                if (((System.Collections.IDictionary)value).Count > 0) paths.Add(path);
            }
            else if (field.IsRepeated)
            {
                var list = (System.Collections.IList)value;
                if (list.Count == 0) continue;
                paths.Add(path);
                if (field.FieldType == FieldType.Message)
                    foreach (IMessage element in list) Walk(element, path + "[].", paths);
            }
            else if (field.FieldType == FieldType.Message)
            {
                if (value is not IMessage child) continue;
                paths.Add(path);
                Walk(child, path + ".", paths);
            }
            else if (!IsDefault(value))
            {
                paths.Add(path);
            }
        }
    }

    private static bool IsDefault(object? value) => value switch
    {
        null => true,
        string s => s.Length == 0,
        ByteString b => b.IsEmpty,
        bool b => !b,
        Enum e => Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture) == 0,
        IConvertible c => c.ToDouble(System.Globalization.CultureInfo.InvariantCulture) == 0,
        _ => false,
    };
}
