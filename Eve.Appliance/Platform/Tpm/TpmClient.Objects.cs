namespace Eve.Appliance.Platform.Tpm;

/// <summary>Object commands: CreatePrimary, Create, Load, ReadPublic, EvictControl, FlushContext.</summary>
internal sealed partial class TpmClient
{
    /// <summary>TPM2_CreatePrimary under <paramref name="hierarchy"/> (TpmHandle.Owner or .Endorsement).
    /// The returned handle is transient: flush it or persist it with EvictControl.</summary>
    public Task<TpmKey> CreatePrimaryAsync(uint hierarchy, TpmPublic template, TpmAuth keyAuth = default,
        TpmAuth hierarchyAuth = default, CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.CreatePrimary, [hierarchy], hierarchyAuth, (template, keyAuth),
            static (ref w, a) => WriteCreateParams(ref w, a.template, a.keyAuth),
            1, static (ref r, handle) =>
            {
                var pub = ReadSizedPublic(ref r, out var ignored);
                SkipCreationOutputs(ref r);
                return new TpmKey(handle, pub, r.SizedArray());
            }, ct, $"hierarchy {TpmHandle.Format(hierarchy)}");

    /// <summary>TPM2_Create: a child key under a loaded storage key. Nothing is loaded.</summary>
    public Task<TpmCreatedObject> CreateAsync(uint parent, TpmPublic template, TpmAuth keyAuth = default,
        TpmAuth parentAuth = default, CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.Create, [parent], parentAuth, (template, keyAuth),
            static (ref w, a) => WriteCreateParams(ref w, a.template, a.keyAuth),
            0, static (ref r, _) =>
            {
                var priv = r.SizedArray();
                var pub = ReadSizedPublic(ref r, out var area);
                SkipCreationOutputs(ref r);
                return new TpmCreatedObject(priv, area, pub);
            }, ct, $"parent {TpmHandle.Format(parent)}");

    /// <summary>TPM2_Load: loads a created object under its parent; returns a transient handle.</summary>
    public Task<TpmKey> LoadAsync(uint parent, TpmCreatedObject obj, TpmAuth parentAuth = default, CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.Load, [parent], parentAuth, obj,
            static (ref w, o) =>
            {
                w.Sized(o.PrivateBlob);
                w.Sized(o.PublicArea);
            },
            1, (ref r, handle) => new TpmKey(handle, obj.Public, r.SizedArray()),
            ct, $"parent {TpmHandle.Format(parent)}");

    /// <summary>TPM2_ReadPublic: the public area and name of a loaded or persistent object.</summary>
    public Task<TpmKey> ReadPublicAsync(uint handle, CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.ReadPublic, [handle], null, false, NoParams,
            0, (ref r, _) =>
            {
                var pub = ReadSizedPublic(ref r, out var ignored);
                return new TpmKey(handle, pub, r.SizedArray());
            }, ct, $"handle {TpmHandle.Format(handle)}");

    /// <summary>TPM2_EvictControl: makes transient <paramref name="objectHandle"/> persistent at
    /// <paramref name="persistentHandle"/> (0x81xxxxxx). The transient copy stays loaded.</summary>
    public Task PersistAsync(uint objectHandle, uint persistentHandle, uint hierarchy = TpmHandle.Owner,
        TpmAuth hierarchyAuth = default, CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.EvictControl, [hierarchy, objectHandle], hierarchyAuth, persistentHandle,
            static (ref w, p) => w.U32(p), 0, NoResult, ct,
            $"{TpmHandle.Format(objectHandle)} -> {TpmHandle.Format(persistentHandle)}");

    /// <summary>TPM2_EvictControl on a persistent handle: removes it from NV.</summary>
    public Task EvictAsync(uint persistentHandle, uint hierarchy = TpmHandle.Owner,
        TpmAuth hierarchyAuth = default, CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.EvictControl, [hierarchy, persistentHandle], hierarchyAuth, persistentHandle,
            static (ref w, p) => w.U32(p), 0, NoResult, ct, $"evict {TpmHandle.Format(persistentHandle)}");

    /// <summary>TPM2_FlushContext: frees a transient object or session slot.</summary>
    public Task FlushContextAsync(uint handle, CancellationToken ct = default) =>
        ExecuteAsync(TpmCc.FlushContext, [], null, handle, static (ref w, h) => w.U32(h),
            0, NoResult, ct, $"handle {TpmHandle.Format(handle)}");

    private static void WriteCreateParams(ref TpmWriter w, TpmPublic template, TpmAuth keyAuth)
    {
        var sensitive = w.BeginSized();       // TPM2B_SENSITIVE_CREATE
        w.Sized(keyAuth.Value.Span);          //   userAuth
        w.Sized([]);                          //   data: empty, the TPM generates the key
        w.EndSized(sensitive);
        var pub = w.BeginSized();             // TPM2B_PUBLIC
        template.Write(ref w);
        w.EndSized(pub);
        w.Sized([]);                          // outsideInfo
        w.U32(0);                             // creationPCR: none
    }

    private static TpmPublic ReadSizedPublic(ref TpmReader r, out byte[] publicArea)
    {
        var area = r.Sized();
        publicArea = area.ToArray();
        return TpmPublic.Decode(area);
    }

    /// <summary>Creation data, hash and ticket: only useful for TPM2_CertifyCreation, which we do not use.</summary>
    private static void SkipCreationOutputs(ref TpmReader r)
    {
        r.Sized();  // TPM2B_CREATION_DATA
        r.Sized();  // creationHash
        r.U16();    // TPMT_TK_CREATION tag
        r.U32();    //   hierarchy
        r.Sized();  //   digest
    }
}
