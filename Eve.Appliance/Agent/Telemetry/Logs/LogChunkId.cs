using System.Globalization;

namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>A chunk's identity: the segment it came from and its part number within that segment.
/// Segment numbers only grow (across restarts too), so ordering by id is ordering by age.
/// Packing is deterministic, so re-packing a segment after a crash yields the same ids for the same
/// lines — which is what lets the queue recognise a chunk it has already sent.</summary>
internal readonly record struct LogChunkId(ulong Segment, ushort Part) : IComparable<LogChunkId>
{
    /// <summary>One number for the wire (FEXTRA): segment in the high 48 bits, part in the low 16.</summary>
    public ulong Value => (Segment << 16) | Part;

    public int CompareTo(LogChunkId other) => Value.CompareTo(other.Value);

    public override string ToString() => $"{Segment:D12}-{Part:D4}";

    public static bool TryParse(ReadOnlySpan<char> s, out LogChunkId id)
    {
        id = default;
        if (s.Length != 17 || s[12] != '-') return false;
        if (!ulong.TryParse(s[..12], NumberStyles.None, CultureInfo.InvariantCulture, out var seg)
            || !ushort.TryParse(s[13..], NumberStyles.None, CultureInfo.InvariantCulture, out var part)) return false;
        id = new LogChunkId(seg, part);
        return true;
    }
}
