using Eve.Appliance.Platform.Hashing;
using System.Buffers.Binary;
using Eve.Appliance.Agent.BaseOs;
using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Tests.Platform.Gpt;

/// <summary>EVE-shaped disks built in memory with our own writer (sgdisk agreement on the same
/// layout is proven in <see cref="GptSgdiskRoundTripTests"/>).</summary>
internal static class TestDisks
{
    public const int DiskSectors = 24576;
    public static readonly Guid Rootfs = BootSelector.EveRootfsType;

    public static MemoryBlockDevice EveLayout(ushort imgaCode = PartitionState.ActiveCode, ushort imgbCode = PartitionState.UnusedCode)
    {
        var dev = new MemoryBlockDevice(new byte[DiskSectors * 512]);
        var parts = new[]
        {
            new GptPartitionEntry(1, Guid.Parse("c12a7328-f81f-11d2-ba4b-00a0c93ec93b"), Guid.NewGuid(), 2048, 4095, 0, "EFI"),
            new GptPartitionEntry(2, Rootfs, Guid.NewGuid(), 4096, 8191, (ulong)imgaCode << 48, "IMGA"),
            new GptPartitionEntry(3, Rootfs, Guid.NewGuid(), 8192, 12287, (ulong)imgbCode << 48, "IMGB"),
            new GptPartitionEntry(4, Guid.Parse(Sgdisk.ConfigType), Guid.NewGuid(), 12288, 14335, 0, "CONFIG"),
            new GptPartitionEntry(9, Guid.Parse(Sgdisk.PersistType), Guid.NewGuid(), 14336, 24542, 0, "PERSIST"),
        };
        GptWriter.CreateAsync(dev, GptTable.Create(DiskSectors, Guid.NewGuid(), parts)).GetAwaiter().GetResult();
        return dev;
    }

    public static GptTable Read(IBlockDevice dev) => GptReader.ReadAsync(dev).GetAwaiter().GetResult().Table;

    public static Span<byte> Sector(MemoryBlockDevice dev, long lba) => dev.Bytes.AsSpan((int)(lba * 512), 512);

    /// <summary>Recomputes a header's CRC after a test changed a field on purpose.</summary>
    public static void FixHeaderCrc(Span<byte> header)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], Crc32.Compute(header[..92]));
    }
}
