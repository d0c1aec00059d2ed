using System.Security.Cryptography;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Tests.Agent.BaseOs;

/// <summary>A tiny base image as EVE ships it: a squashfs rootfs with /etc/eve-release, plus an
/// incompressible payload so each version has distinct content, built with mksquashfs.</summary>
internal static class SquashfsImage
{
    public static async Task<(string Path, string Sha256)> BuildAsync(string dir, string version, int payloadBytes = 200_000)
    {
        var root = Path.Combine(dir, $"root-{version}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        await File.WriteAllTextAsync(Path.Combine(root, "etc", "eve-release"), version + "\n");
        var payload = new byte[payloadBytes];
        new Random(version.GetHashCode(StringComparison.Ordinal)).NextBytes(payload);
        await File.WriteAllBytesAsync(Path.Combine(root, "payload.bin"), payload);
        var image = Path.Combine(dir, $"rootfs-{version}.img");
        await ProcessRunner.Default.RunAsync("mksquashfs", [root, image, "-noappend", "-no-progress", "-quiet", "-all-root"]);
        Directory.Delete(root, recursive: true);
        return (image, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(image))));
    }
}
