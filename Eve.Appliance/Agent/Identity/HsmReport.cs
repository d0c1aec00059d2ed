using System.Buffers.Binary;
using System.Text;
using Eve.Appliance.Platform.Tpm;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Identity;

/// <summary>
/// ZInfoDevice.HSMStatus/HSMInfo as EVE fills them: ENABLED with the TPM's maker and firmware
/// ("IBM-SW TPM, FW Version 8217.4131") when the device key is in a TPM; NOTFOUND with a plain
/// sentence when the device runs on a software key.
/// </summary>
internal sealed record HsmReport(HwSecurityModuleStatus Status, string Info)
{
    public static HsmReport NoTpm(IDeviceKey key) =>
        new(HwSecurityModuleStatus.Notfound, $"no TPM: the device key is a software key ({key.Description})");

    /// <summary>A TPM is there but the identity predates it (a software key file wins, so an
    /// identity never moves silently): EVE's DISABLED.</summary>
    public static HsmReport TpmUnused(IDeviceKey key) =>
        new(HwSecurityModuleStatus.Disabled, $"a TPM is present but not used: the device identity is a software key ({key.Description})");

    public static async Task<HsmReport> ForTpmAsync(TpmClient tpm, IDeviceKey key, CancellationToken ct)
    {
        try
        {
            var p = await tpm.GetPropertiesAsync(TpmProperty.Manufacturer, 8, ct).ConfigureAwait(false);
            var maker = Ascii(p.GetValueOrDefault(TpmProperty.Manufacturer));
            var vendor = string.Concat(Enumerable.Range(0, 4).Select(i => Ascii(p.GetValueOrDefault(TpmProperty.Manufacturer + 1 + (uint)i))));
            var fw = p.GetValueOrDefault(TpmProperty.FirmwareVersion1);
            return new(HwSecurityModuleStatus.Enabled, $"{maker}-{vendor}, FW Version {fw >> 16}.{fw & 0xFFFF}; {key.Description}");
        }
        catch (TpmException e)
        {
            return new(HwSecurityModuleStatus.Enabled, $"TPM in use ({key.Description}); reading its properties failed: {e.Message}");
        }
    }

    public void Contribute(ZInfoDevice info)
    {
        info.HSMStatus = Status;
        info.HSMInfo = Info;
    }

    private static string Ascii(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return Encoding.ASCII.GetString(b).TrimEnd('\0', ' ');
    }
}
