using System.Collections.Frozen;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>One app as the metadata server describes it to itself.</summary>
internal sealed record MetadataApp(Guid Id, string Name, string? UserDataBase64, MetaDataType Type, string? ExternalIpv4);

/// <summary>What the metadata servers answer, as of the last networks pass: apps by instance and the address
/// they call from (EVE identifies the caller by its source IP on the instance, no credentials), plus the device's
/// identity. Immutable, swapped whole, so requests never see half an update.</summary>
internal sealed record MetadataDirectory(
    FrozenDictionary<string, MetadataApp> AppsByIp,
    string DeviceUuid,
    string DeviceName,
    string ProjectName,
    string ProjectId,
    string EnterpriseName,
    string EnterpriseId)
{
    /// <summary>The app calling from <paramref name="ip"/> on instance <paramref name="instance"/>, or null.</summary>
    public MetadataApp? Find(string instance, string ip) => AppsByIp.GetValueOrDefault(Key(instance, ip));

    private static string Key(string instance, string ip) => $"{instance.ToLowerInvariant()}/{ip}";

    public static readonly MetadataDirectory Empty = new(FrozenDictionary<string, MetadataApp>.Empty, "", "", "", "", "", "");

    /// <summary>From the config and the addresses the instances gave each app NIC; <paramref name="externalIp"/>
    /// maps an instance to its uplink's address (portmapped apps tell their peers that one);
    /// <paramref name="decryptor"/> opens user-data the controller sealed for this device (a CipherBlock
    /// instead of the clear field); without one only clear user-data is served.</summary>
    public static MetadataDirectory Build(EdgeDevConfig config, string deviceUuid, IEnumerable<NetworkInstanceStatus> instances,
        Func<NetworkInstanceStatus, string?> externalIp, ObjectCrypto.IObjectDecryptor? decryptor = null)
    {
        var apps = config.Apps.Where(a => a.Uuidandversion != null)
            .ToDictionary(a => a.Uuidandversion.Uuid, StringComparer.OrdinalIgnoreCase);
        var byIp = new Dictionary<string, MetadataApp>();
        foreach (var ni in instances)
        {
            var external = externalIp(ni);
            foreach (var nic in ni.Apps.Where(a => a.Ip != null))
            {
                if (!apps.TryGetValue(nic.AppUuid, out var app) || !Guid.TryParse(nic.AppUuid, out var id)) continue;
                var userData = decryptor?.DecryptUserData(config, app).UserData ?? app.UserData;
                byIp[Key(ni.Uuid, nic.Ip!)] = new MetadataApp(id, app.Displayname, userData.Length > 0 ? userData : null, app.MetaDataType, external);
            }
        }
        return new MetadataDirectory(byIp.ToFrozenDictionary(), deviceUuid, config.DeviceName, config.ProjectName, config.ProjectId,
            config.EnterpriseName, config.EnterpriseId);
    }
}
