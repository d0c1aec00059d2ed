using LiteDB;

namespace Eve.Appliance.Controller.LocalProfile;

/// <summary>What the built-in local profile server answers devices, as the operator set it
/// (PUT /api/ops/v1/local-profile). One per controller: devices whose profile points at this
/// server share it, as they would share a customer's LPS app.</summary>
public sealed class LpsState
{
    [BsonId] public string Id { get; set; } = "state";
    /// <summary>The server_token every answer carries; devices get the same in profile_server_token
    /// and drop answers without it.</summary>
    public string Token { get; set; } = "";
    /// <summary>Overrides the global profile when not null (empty = clear a saved local profile).</summary>
    public string? LocalProfile { get; set; }
    /// <summary>null = no radio config (204).</summary>
    public bool? RadioSilence { get; set; }
    public List<LpsAppCommand> AppCommands { get; set; } = [];
    public LpsDevCommand? DevCommand { get; set; }
    public List<LpsAppBoot> AppBoot { get; set; } = [];
    /// <summary>Local network config for devices' ports; null: the network endpoint answers 404, which
    /// makes devices revert any local network config they had.</summary>
    public List<LpsNetworkPort>? Network { get; set; }
}
