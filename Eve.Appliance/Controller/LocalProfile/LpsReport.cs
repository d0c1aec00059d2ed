using LiteDB;

namespace Eve.Appliance.Controller.LocalProfile;

/// <summary>The last message a device posted to one LPS endpoint (radio, appinfo, devinfo,
/// location, network, appbootinfo), keyed "&lt;endpoint&gt;/&lt;source&gt;" where the source is the
/// device uuid when the message carries it, else the client address.</summary>
public sealed class LpsReport
{
    [BsonId] public string Id { get; set; } = "";
    public string Endpoint { get; set; } = "";
    public string Source { get; set; } = "";
    public DateTime ReceivedAt { get; set; }
    public byte[] Message { get; set; } = [];
}
