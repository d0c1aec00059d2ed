namespace Eve.Appliance.Platform.Tpm;

/// <summary>Lifecycle and query commands: Startup, Shutdown, GetRandom, GetCapability.</summary>
internal sealed partial class TpmClient
{
    private const uint CapHandles = 1;
    private const uint CapPcrs = 5;
    private const uint CapTpmProperties = 6;

    /// <summary>TPM2_Startup. Returns false when the TPM was already started (TPM_RC_INITIALIZE),
    /// which is the normal case under a kernel driver or swtpm's startup-clear flag.</summary>
    public async Task<bool> StartupAsync(bool clear = true, CancellationToken ct = default)
    {
        try
        {
            await ExecuteAsync(TpmCc.Startup, [], null, (ushort)(clear ? 0 : 1), static (ref w, t) => w.U16(t),
                0, NoResult, ct).ConfigureAwait(false);
            return true;
        }
        catch (TpmException e) when (e.ResponseCode.BaseCode == 0x100)
        {
            return false;
        }
    }

    /// <summary>TPM2_Shutdown(CLEAR or STATE): tells the TPM to save state before power goes away.</summary>
    public Task ShutdownAsync(bool clear = true, CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.Shutdown, [], null, (ushort)(clear ? 0 : 1), static (ref w, t) => w.U16(t),
            0, NoResult, ct);

    /// <summary>TPM2_GetRandom; loops because a TPM returns at most one digest's worth per call.</summary>
    public async Task<byte[]> GetRandomAsync(int count, CancellationToken ct = default)
    {
        var result = new byte[count];
        var got = 0;
        while (got < count)
        {
            var chunk = await ExecuteAsync(TpmCc.GetRandom, [], null, (ushort)Math.Min(count - got, 64),
                static (ref w, n) => w.U16(n), 0, static (ref r, _) => r.SizedArray(), ct).ConfigureAwait(false);
            if (chunk.Length == 0) throw new TpmProtocolException("TPM2_GetRandom returned no bytes");
            chunk.AsSpan(0, Math.Min(chunk.Length, count - got)).CopyTo(result.AsSpan(got));
            got += chunk.Length;
        }
        return result;
    }

    /// <summary>TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES) from <paramref name="first"/>.</summary>
    public async Task<IReadOnlyDictionary<uint, uint>> GetPropertiesAsync(uint first, uint count, CancellationToken ct = default)
    {
        var result = new Dictionary<uint, uint>();
        var next = first;
        var more = true;
        while (more && result.Count < count)
        {
            (more, var batch) = await ExecuteAsync(TpmCc.GetCapability, [], null, (CapTpmProperties, next, count - (uint)result.Count),
                static (ref w, a) => WriteCapability(ref w, a), 0,
                static (ref r, _) =>
                {
                    var m = ReadCapabilityHeader(ref r, CapTpmProperties);
                    var n = r.U32();
                    var list = new List<(uint, uint)>((int)n);
                    for (var i = 0; i < n; i++) list.Add((r.U32(), r.U32()));
                    return (m, list);
                }, ct).ConfigureAwait(false);
            if (batch.Count == 0) break;
            foreach (var (p, v) in batch) result[p] = v;
            next = batch[^1].Item1 + 1;
        }
        return result;
    }

    /// <summary>TPM2_GetCapability(TPM_CAP_HANDLES): handles of one type, e.g. 0x81000000 for
    /// persistent objects, 0x80000000 transient, 0x01000000 NV indices.</summary>
    public async Task<IReadOnlyList<uint>> GetHandlesAsync(uint first, CancellationToken ct = default)
    {
        var result = new List<uint>();
        var next = first;
        var more = true;
        while (more)
        {
            (more, var batch) = await ExecuteAsync(TpmCc.GetCapability, [], null, (CapHandles, next, 64u),
                static (ref w, a) => WriteCapability(ref w, a), 0,
                static (ref r, _) =>
                {
                    var m = ReadCapabilityHeader(ref r, CapHandles);
                    var n = r.U32();
                    var list = new List<uint>((int)n);
                    for (var i = 0; i < n; i++) list.Add(r.U32());
                    return (m, list);
                }, ct).ConfigureAwait(false);
            // Stay within the requested handle type (top byte).
            result.AddRange(batch.Where(h => h >> 24 == first >> 24));
            if (batch.Count == 0 || batch[^1] >> 24 != first >> 24) break;
            next = batch[^1] + 1;
        }
        return result;
    }

    /// <summary>TPM2_GetCapability(TPM_CAP_PCRS): the active PCR banks and their PCRs.</summary>
    public Task<IReadOnlyList<TpmPcrSelection>> GetPcrBanksAsync(CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.GetCapability, [], null, (CapPcrs, 0u, 1u),
            static (ref w, a) => WriteCapability(ref w, a), 0,
            static (ref r, _) =>
            {
                ReadCapabilityHeader(ref r, CapPcrs);
                return TpmPcrSelection.ReadList(ref r);
            }, ct);

    private static void WriteCapability(ref TpmWriter w, (uint cap, uint property, uint count) a)
    {
        w.U32(a.cap);
        w.U32(a.property);
        w.U32(a.count);
    }

    private static bool ReadCapabilityHeader(ref TpmReader r, uint expected)
    {
        var more = r.U8() != 0;
        var cap = r.U32();
        if (cap != expected)
            throw new TpmProtocolException($"TPM2_GetCapability answered capability {cap}, asked for {expected}");
        return more;
    }
}
