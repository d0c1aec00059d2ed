using Google.Protobuf;
using Google.Protobuf.Reflection;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Controller.Telemetry;

/// <summary>
/// Which object an info message describes (device, app X, volume Y…), so the store keeps the latest
/// per object. Read generically from the oneof member's id field, so new info kinds need no code.
/// </summary>
internal static class InfoKey
{
    private static readonly string[] IdFieldNames = ["uuid", "appid", "networkid", "id", "uuidandversion"];

    public static (string Kind, string ObjectId) Of(ZInfoMsg info)
    {
        var kind = info.Ztype.ToString();
        var oneof = ZInfoMsg.Descriptor.Oneofs.First(o => o.Name == "InfoContent");
        var field = oneof.Accessor.GetCaseFieldDescriptor(info);
        if (field == null) return (kind, "");
        if (field.Name == "dinfo") return (kind, "device");
        if (field.Accessor.GetValue(info) is not IMessage content) return (kind, "");
        foreach (var name in IdFieldNames)
        {
            var idField = content.Descriptor.Fields.InDeclarationOrder()
                .FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
            if (idField == null) continue;
            var value = idField.Accessor.GetValue(content);
            if (value is string s && s != "") return (kind, s);
            if (value is IMessage m && idField.MessageType.FindFieldByName("uuid") is FieldDescriptor u && u.Accessor.GetValue(m) is string us && us != "")
                return (kind, us);
        }
        return (kind, "");
    }
}
