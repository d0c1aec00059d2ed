using System.Globalization;
using System.Text.Json.Nodes;
using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Agent.Identity;

/// <summary>Where a TPM-backed identity lives: the persistent handles of its keys. Stored as
/// <c>device.tpm.json</c> beside the certificate; its presence is how we know the identity is in
/// the TPM (there is deliberately no key file).
/// The defaults are EVE's (pkg/pillar/evetpm/tpm.go): TpmDeviceKeyHdl 0x817FFFFF and
/// TpmEcdhKeyHdl 0x81000005, so people who know EVE (and tpm2-tools users) find the keys where
/// they expect them, and a TPM provisioned by EVE is recognised (EVE authorizes those keys with its
/// owner credential: pass it as the key auth).</summary>
internal sealed record TpmDeviceKeyHandles(uint SigningKey, uint EcdhKey)
{
    public const string FileName = "device.tpm.json";
    public const uint EveDeviceKeyHandle = 0x817FFFFF;
    public const uint EveEcdhKeyHandle = 0x81000005;

    public static TpmDeviceKeyHandles Default { get; } = new(EveDeviceKeyHandle, EveEcdhKeyHandle);

    public string ToJson() => new JsonObject
    {
        ["signingKeyHandle"] = TpmHandle.Format(SigningKey),
        ["ecdhKeyHandle"] = TpmHandle.Format(EcdhKey),
        ["hierarchy"] = "owner",
    }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    public static TpmDeviceKeyHandles FromJson(string json, string source)
    {
        try
        {
            var o = JsonNode.Parse(json)!.AsObject();
            return new TpmDeviceKeyHandles(Parse(o["signingKeyHandle"]), Parse(o["ecdhKeyHandle"]));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new InvalidDataException($"{source} is not a valid TPM handle file (expected signingKeyHandle and ecdhKeyHandle as 0x81xxxxxx): {e.Message}", e);
        }
    }

    private static uint Parse(JsonNode? node)
    {
        var s = node?.GetValue<string>() ?? throw new FormatException("handle missing");
        var h = uint.Parse(s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s[2..] : s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return TpmHandle.IsPersistent(h) ? h : throw new FormatException($"{s} is not a persistent handle (0x81xxxxxx)");
    }
}
