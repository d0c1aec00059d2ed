namespace Eve.Appliance.Agent.ObjectCrypto;

/// <summary>One encrypted secret in the config for a feature this device does not have: which kind,
/// the object it belongs to (port label, profile name, envelope or cluster id), and the sentence for info.</summary>
internal sealed record UnsupportedSecret(UnsupportedSecretKind Kind, string Object, string Message);

internal enum UnsupportedSecretKind
{
    Wifi,
    Cellular,
    Cluster,
    Scep,
    PatchEnvelope,
}
