using Google.Protobuf;

namespace Eve.Appliance.Controller.Endpoints;

/// <summary>Parses a protobuf payload, turning garbage into a 400 that names the expected type.</summary>
internal static class Payloads
{
    public static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> bytes) where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            var name = typeof(T).Name;
            throw ApiError.BadRequest($"payload is not a valid {name}: {e.Message}");
        }
    }
}
