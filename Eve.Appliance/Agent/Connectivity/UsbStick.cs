using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>EVE's USB-stick override: a FAT-formatted stick (or an image of one) with <c>usb.json</c> at
/// its root. Read with mtools, so nothing is mounted on the host.</summary>
internal static class UsbStick
{
    public const string FileName = "usb.json";

    /// <summary>The bytes of <c>/usb.json</c> on the FAT image or device, or null when it holds none.</summary>
    public static async Task<byte[]?> ReadUsbJsonAsync(IProcessRunner runner, string image, CancellationToken ct)
    {
        if (!File.Exists(image)) return null;
        var dir = Directory.CreateTempSubdirectory("eve-usb-");
        try
        {
            var target = Path.Combine(dir.FullName, FileName);
            // -n: never ask; MTOOLS_SKIP_CHECK tolerates sticks formatted by other tools.
            var r = await runner.RunAsync("env", ["MTOOLS_SKIP_CHECK=1", "mcopy", "-n", "-i", image, $"::/{FileName}", target],
                TimeSpan.FromSeconds(30), check: false, ct: ct).ConfigureAwait(false);
            if (r.ExitCode != 0)
            {
                if (r.Stderr.Contains("not found", StringComparison.OrdinalIgnoreCase)) return null;
                throw new InvalidDataException($"cannot read {FileName} from the USB image {image}: {r.Stderr.Trim()} (is it FAT-formatted?)");
            }
            return await File.ReadAllBytesAsync(target, ct).ConfigureAwait(false);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
