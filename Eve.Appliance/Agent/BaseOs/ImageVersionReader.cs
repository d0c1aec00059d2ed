using System.Globalization;
using Eve.Appliance.Platform.Gpt;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Agent.BaseOs;

/// <summary>Reads the version of the base image in a partition. The contract (EVE's): a base image
/// is a squashfs root filesystem, written raw at the start of IMGA/IMGB, whose file
/// <c>/etc/eve-release</c> holds the version on its first line. squashfs-tools reads it in place
/// (`unsquashfs -o OFFSET -cat DISK etc/eve-release`), so nothing is mounted and no root is needed.</summary>
internal sealed class ImageVersionReader(IProcessRunner runner)
{
    public const string VersionFile = "etc/eve-release";
    private static readonly byte[] SquashfsMagic = "hsqs"u8.ToArray();

    public async Task<string> ReadAsync(IBlockDevice dev, string partitionName, CancellationToken ct = default)
    {
        var table = (await GptReader.ReadAsync(dev, ct).ConfigureAwait(false)).Table;
        var part = table.Find(partitionName) ?? throw new GptException($"disk {dev.Name} has no partition named {partitionName}");
        long offset = (long)part.FirstLba * dev.SectorSize;
        var magic = new byte[4];
        await dev.ReadAsync(offset, magic, ct).ConfigureAwait(false);
        if (!magic.AsSpan().SequenceEqual(SquashfsMagic))
            throw new InvalidDataException($"{partitionName} on {dev.Name} does not hold a squashfs image (first bytes {Convert.ToHexString(magic)}, " +
                "expected 68737173 'hsqs'); a base image must be a squashfs rootfs with /etc/eve-release");
        var r = await runner.RunAsync("unsquashfs", ["-o", offset.ToString(CultureInfo.InvariantCulture), "-cat", dev.Name, VersionFile],
            TimeSpan.FromSeconds(60), check: false, ct: ct).ConfigureAwait(false);
        var version = r.Stdout.Split('\n', 2)[0].Trim();
        if (r.ExitCode != 0 || version == "")
            throw new InvalidDataException($"the image in {partitionName} on {dev.Name} has no version in /{VersionFile} " +
                $"(unsquashfs exit {r.ExitCode}: {r.Stderr.Trim()}); build the image with that file");
        return version;
    }
}
