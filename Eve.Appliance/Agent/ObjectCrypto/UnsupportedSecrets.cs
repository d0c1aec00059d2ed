using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.ObjectCrypto;

/// <summary>
/// Every CipherBlock of an EdgeDevConfig that the device has no feature for (the ones it uses —
/// app user data, datastore credentials — are opened where they are used). Each block is still
/// opened, so the operator learns both that the feature is not supported here and whether the
/// controller sealed the secret correctly for this device; the clear text is never kept.
/// Pure apart from the decryptor; one finding per object.
/// </summary>
internal static class UnsupportedSecrets
{
    public static IReadOnlyList<UnsupportedSecret> Find(EdgeDevConfig config, IObjectDecryptor? decryptor)
    {
        var found = new List<UnsupportedSecret>();
        var portOf = config.SystemAdapterList.Where(a => a.NetworkUUID != "")
            .GroupBy(a => a.NetworkUUID).ToDictionary(g => g.Key, g => g.First().Name);
        foreach (var net in config.Networks.Where(n => n.Wireless != null))
        {
            var port = portOf.GetValueOrDefault(net.Id, net.Id);
            foreach (var wifi in net.Wireless.WifiCfg.Where(w => Has(w.CipherData)))
                found.Add(new(UnsupportedSecretKind.Wifi, port, Say($"Wi-Fi network '{wifi.WifiSSID}' on port '{port}'",
                    "this device manages no Wi-Fi ports", "credentials", Open(config, wifi.CipherData, $"Wi-Fi '{wifi.WifiSSID}' credentials", decryptor))));
            foreach (var ap in net.Wireless.CellularCfg.SelectMany(c => c.AccessPoints).Where(a => Has(a.CipherData)))
                found.Add(new(UnsupportedSecretKind.Cellular, port, Say($"cellular APN '{ap.Apn}' (SIM slot {ap.SimSlot}) on port '{port}'",
                    "this device has no cellular modem support", "credentials", Open(config, ap.CipherData, $"cellular APN '{ap.Apn}' credentials", decryptor))));
        }
        if (config.Cluster is { } cluster && Has(cluster.EncryptedClusterToken))
            found.Add(new(UnsupportedSecretKind.Cluster, cluster.ClusterId, Say($"edge-node cluster '{cluster.ClusterName}'",
                "this device does not join Kubernetes clusters (EVE-k)", "cluster token", Open(config, cluster.EncryptedClusterToken, "cluster token", decryptor))));
        foreach (var scep in config.ScepProfiles.Where(s => Has(s.ScepChallengePassword)))
            found.Add(new(UnsupportedSecretKind.Scep, scep.ProfileName, Say($"SCEP profile '{scep.ProfileName}'",
                "this device does not enroll certificates by SCEP", "challenge password", Open(config, scep.ScepChallengePassword, $"SCEP '{scep.ProfileName}' challenge password", decryptor))));
        foreach (var envelope in config.PatchEnvelopes)
        {
            var blocks = envelope.Artifacts.SelectMany(Blocks).ToList();
            if (blocks.Count == 0) continue;
            var outcomes = blocks.Select(b => Open(config, b, $"patch envelope '{envelope.DisplayName}' artifact", decryptor)).ToList();
            found.Add(new(UnsupportedSecretKind.PatchEnvelope, envelope.Uuid, Say($"patch envelope '{envelope.DisplayName}'",
                "this device does not serve patch envelopes to apps", $"artifacts ({blocks.Count})", outcomes.FirstOrDefault(o => o != null))));
        }
        return found;
    }

    private static IEnumerable<CipherBlock> Blocks(EveBinaryArtifact a)
    {
        if (a.EncryptedInline?.CipherData is { } inline && Has(inline)) yield return inline;
        if (a.EncryptedVolumeref?.CipherData is { } volume && Has(volume)) yield return volume;
        if (a.MetadataCipherData is { } meta && Has(meta)) yield return meta;
    }

    private static bool Has(CipherBlock? block) => block != null && (block.CipherContextId != "" || !block.CipherData.IsEmpty);

    /// <summary>Null when the block opened; the reason when not.</summary>
    private static string? Open(EdgeDevConfig config, CipherBlock block, string what, IObjectDecryptor? decryptor) =>
        decryptor == null ? "the device has no key to open it" : decryptor.Decrypt(config, block, what).Error;

    private static string Say(string what, string why, string secret, string? openError) =>
        $"{what}: not supported on this device ({why}); its encrypted {secret} " +
        (openError == null ? "decrypted correctly but is not used" : $"could not be decrypted either: {openError}");
}
