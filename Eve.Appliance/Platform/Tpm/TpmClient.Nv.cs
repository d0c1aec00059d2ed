namespace Eve.Appliance.Platform.Tpm;

/// <summary>NV index commands: NV_DefineSpace, NV_UndefineSpace, NV_ReadPublic, NV_Read, NV_Write.</summary>
internal sealed partial class TpmClient
{
    /// <summary>Used until the TPM tells us TPM_PT_NV_BUFFER_MAX; every TPM 2.0 allows this much.</summary>
    private const int SafeNvChunk = 512;
    private int _nvChunk;

    /// <summary>TPM2_NV_DefineSpace under the owner (or platform) hierarchy.</summary>
    public Task NvDefineSpaceAsync(TpmNvPublic nv, TpmAuth indexAuth = default, uint hierarchy = TpmHandle.Owner,
        TpmAuth hierarchyAuth = default, CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.NvDefineSpace, [hierarchy], hierarchyAuth, (nv, indexAuth),
            static (ref w, a) =>
            {
                w.Sized(a.indexAuth.Value.Span);
                var mark = w.BeginSized();
                a.nv.Write(ref w);
                w.EndSized(mark);
            }, 0, NoResult, ct, $"index {TpmHandle.Format(nv.Index)}");

    /// <summary>TPM2_NV_UndefineSpace.</summary>
    public Task NvUndefineSpaceAsync(uint index, uint hierarchy = TpmHandle.Owner, TpmAuth hierarchyAuth = default,
        CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.NvUndefineSpace, [hierarchy, index], hierarchyAuth, false, NoParams, 0, NoResult, ct,
            $"index {TpmHandle.Format(index)}");

    /// <summary>TPM2_NV_ReadPublic: the index's attributes and size.</summary>
    public Task<TpmNvPublic> NvReadPublicAsync(uint index, CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.NvReadPublic, [index], null, false, NoParams, 0,
            static (ref r, _) =>
            {
                r.U16(); // TPM2B_NV_PUBLIC size
                return TpmNvPublic.Read(ref r);
            }, ct, $"index {TpmHandle.Format(index)}");

    /// <summary>TPM2_NV_Write in chunks the TPM accepts. <paramref name="authHandle"/> is the index
    /// itself (authWrite) or TpmHandle.Owner (ownerWrite).</summary>
    public async Task NvWriteAsync(uint index, ReadOnlyMemory<byte> data, ushort offset = 0, uint? authHandle = null,
        TpmAuth auth = default, CancellationToken ct = default)
    {
        var chunk = await NvChunkAsync(ct).ConfigureAwait(false);
        for (var done = 0; done < data.Length; done += chunk)
        {
            var part = data.Slice(done, Math.Min(chunk, data.Length - done));
            await ExecuteAsync(TpmCc.NvWrite, [authHandle ?? index, index], auth, (part, (ushort)(offset + done)),
                static (ref w, a) =>
                {
                    w.Sized(a.part.Span);
                    w.U16(a.Item2);
                }, 0, NoResult, ct, $"index {TpmHandle.Format(index)}").ConfigureAwait(false);
        }
    }

    /// <summary>TPM2_NV_Read of <paramref name="size"/> bytes, in chunks.</summary>
    public async Task<byte[]> NvReadAsync(uint index, int size, ushort offset = 0, uint? authHandle = null,
        TpmAuth auth = default, CancellationToken ct = default)
    {
        var chunk = await NvChunkAsync(ct).ConfigureAwait(false);
        var result = new byte[size];
        for (var done = 0; done < size; done += chunk)
        {
            var n = (ushort)Math.Min(chunk, size - done);
            var part = await ExecuteAsync(TpmCc.NvRead, [authHandle ?? index, index], auth, (n, (ushort)(offset + done)),
                static (ref w, a) =>
                {
                    w.U16(a.n);
                    w.U16(a.Item2);
                }, 0, static (ref r, _) => r.SizedArray(), ct, $"index {TpmHandle.Format(index)}").ConfigureAwait(false);
            if (part.Length != n)
                throw new TpmProtocolException($"TPM2_NV_Read of index {TpmHandle.Format(index)} returned {part.Length} bytes, asked for {n}");
            part.CopyTo(result, done);
        }
        return result;
    }

    /// <summary>Reads a whole index (size from NV_ReadPublic).</summary>
    public async Task<byte[]> NvReadAllAsync(uint index, uint? authHandle = null, TpmAuth auth = default, CancellationToken ct = default)
    {
        var pub = await NvReadPublicAsync(index, ct).ConfigureAwait(false);
        return await NvReadAsync(index, pub.DataSize, 0, authHandle, auth, ct).ConfigureAwait(false);
    }

    private async ValueTask<int> NvChunkAsync(CancellationToken ct)
    {
        if (_nvChunk == 0)
        {
            var props = await GetPropertiesAsync(TpmProperty.NvBufferMax, 1, ct).ConfigureAwait(false);
            // Leave room for the command header and session: the command buffer itself is 4 KiB.
            _nvChunk = props.TryGetValue(TpmProperty.NvBufferMax, out var max) && max > 0
                ? (int)Math.Min(max, 2048) : SafeNvChunk;
        }
        return _nvChunk;
    }
}
