using System.Buffers.Binary;

namespace Eve.Appliance.Platform.Gpt;

/// <summary>One GPT partition entry (UEFI 2.10 §5.3.3). <see cref="Number"/> is 1-based, as
/// sgdisk and the kernel count (entry index + 1). The name is at most 36 UTF-16LE code units.</summary>
internal readonly record struct GptPartitionEntry(
    int Number,
    Guid TypeGuid,
    Guid UniqueGuid,
    ulong FirstLba,
    ulong LastLba,
    ulong Attributes,
    string Name)
{
    public const int MinSize = 128;
    public const int NameOffset = 56;
    public const int NameBytes = 72;
    public const int AttributesOffset = 48;

    public bool IsUsed => TypeGuid != Guid.Empty;

    public ulong SizeInSectors => LastLba - FirstLba + 1;

    public static GptPartitionEntry Parse(int number, ReadOnlySpan<byte> entry) =>
        new(number,
            new Guid(entry[..16]),
            new Guid(entry.Slice(16, 16)),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[40..]),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[AttributesOffset..]),
            DecodeName(entry.Slice(NameOffset, NameBytes)));

    /// <summary>Compares the stored name with <paramref name="name"/> without decoding it.</summary>
    public static bool NameEquals(ReadOnlySpan<byte> entry, string name)
    {
        var raw = entry.Slice(NameOffset, NameBytes);
        if (NameLength(raw) != name.Length) return false;
        for (int i = 0; i < name.Length; i++)
            if (BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) != name[i]) return false;
        return true;
    }

    /// <summary>Writes the whole entry (a used one, or zeros for an empty slot of
    /// <c>entry.Length</c> bytes); bytes past 128 stay zero.</summary>
    public void WriteTo(Span<byte> entry)
    {
        if (Name.Length > NameBytes / 2)
            throw new ArgumentException($"partition {Number} name '{Name}' has {Name.Length} characters; GPT allows {NameBytes / 2}");
        entry.Clear();
        TypeGuid.TryWriteBytes(entry[..16]);
        UniqueGuid.TryWriteBytes(entry.Slice(16, 16));
        BinaryPrimitives.WriteUInt64LittleEndian(entry[32..], FirstLba);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[40..], LastLba);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[AttributesOffset..], Attributes);
        var name = entry.Slice(NameOffset, NameBytes);
        for (int i = 0; i < Name.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(name[(2 * i)..], Name[i]);
    }

    private static int NameLength(ReadOnlySpan<byte> raw)
    {
        for (int i = 0; i < NameBytes / 2; i++)
            if (BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) == 0) return i;
        return NameBytes / 2;
    }

    private static string DecodeName(ReadOnlySpan<byte> raw)
    {
        int len = NameLength(raw);
        if (len == 0) return "";
        Span<char> chars = stackalloc char[NameBytes / 2];
        for (int i = 0; i < len; i++) chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]);
        return new string(chars[..len]);
    }
}
