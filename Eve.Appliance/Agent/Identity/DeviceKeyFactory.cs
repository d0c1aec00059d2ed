using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Agent.Identity;

/// <summary>Loads the device identity from its folder, or creates one: in the TPM when a TPM
/// client is given, else in software files. What the folder already holds wins, so an identity
/// never silently moves between TPM and software:
/// <c>device.tpm.json</c> → TPM; <c>device.key.pem</c> → software; nothing → create.</summary>
internal static class DeviceKeyFactory
{
    public static async Task<IDeviceKey> LoadOrCreateAsync(string folder, string serial, TpmClient? tpm,
        TimeProvider time, CancellationToken ct = default)
    {
        var tpmFile = Path.Combine(folder, TpmDeviceKeyHandles.FileName);
        var keyFile = Path.Combine(folder, SoftwareDeviceKey.KeyFileName);
        if (File.Exists(tpmFile))
        {
            if (tpm is null)
                throw new InvalidOperationException(
                    $"{folder} holds a TPM-backed device identity ({TpmDeviceKeyHandles.FileName}) but no TPM is available; " +
                    "check the TPM option (device:/dev/tpmrm0, swtpm:host:port) or that the TPM device exists");
            return await TpmDeviceKey.LoadOrCreateAsync(tpm, folder, serial, time, ct: ct).ConfigureAwait(false);
        }
        if (File.Exists(keyFile)) return SoftwareDeviceKey.LoadOrCreate(folder, serial, time);
        return tpm is not null
            ? await TpmDeviceKey.LoadOrCreateAsync(tpm, folder, serial, time, ct: ct).ConfigureAwait(false)
            : SoftwareDeviceKey.LoadOrCreate(folder, serial, time);
    }
}
