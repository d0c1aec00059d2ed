using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>Attestation on top of <see cref="TpmClient"/>: a restricted attestation key persisted
/// at EVE's quote-key handle, PCR quotes over a controller nonce, and the endorsement key (EK)
/// with its manufacturer certificate.</summary>
internal sealed class TpmAttestation(TpmClient tpm)
{
    /// <summary>EVE's TpmQuoteKeyHdl (pkg/pillar/evetpm/tpm.go).</summary>
    public const uint EveQuoteKeyHandle = 0x81000004;

    /// <summary>sha256 PCRs 0-15, as EVE quotes (PcrListForQuote): firmware, boot loader, kernel and
    /// command line measurements (0-9), IMA (10) and the OS-defined ones up to 15. 16-23 are
    /// resettable or debug PCRs that say nothing about the boot.</summary>
    public static TpmPcrSelection DefaultQuotePcrs { get; } =
        TpmPcrSelection.Sha256(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    /// <summary>Finds the attestation key at <paramref name="handle"/>, or creates it (a restricted
    /// ECDSA P-256 primary of the owner hierarchy) and persists it there.</summary>
    public async Task<TpmKey> EnsureAttestationKeyAsync(uint handle = EveQuoteKeyHandle, CancellationToken ct = default)
    {
        try
        {
            return await tpm.ReadPublicAsync(handle, ct).ConfigureAwait(false);
        }
        catch (TpmException e) when (e.ResponseCode.BaseCode == 0x08B) // TPM_RC_HANDLE: not there yet
        {
        }
        var key = await tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccAttestationKey(), ct: ct).ConfigureAwait(false);
        try
        {
            await tpm.PersistAsync(key.Handle, handle, ct: ct).ConfigureAwait(false);
        }
        finally
        {
            await tpm.FlushContextAsync(key.Handle, ct).ConfigureAwait(false);
        }
        return key with { Handle = handle };
    }

    /// <summary>Reads the selected PCRs, then quotes them with <paramref name="nonce"/> as qualifying
    /// data. PCRs could change in between; the verifier then sees a digest mismatch and asks again.</summary>
    public async Task<TpmPcrQuote> QuoteAsync(uint keyHandle, ReadOnlyMemory<byte> nonce, TpmPcrSelection? pcrs = null,
        CancellationToken ct = default)
    {
        var selection = pcrs ?? DefaultQuotePcrs;
        var values = await tpm.PcrReadAsync(selection, ct).ConfigureAwait(false);
        var quote = await tpm.QuoteAsync(keyHandle, nonce, [selection], ct: ct).ConfigureAwait(false);
        return new TpmPcrQuote(quote, selection, values);
    }

    /// <summary>Creates the ECC P-256 EK from the TCG template (L-2) under the endorsement
    /// hierarchy. The EK is deterministic, so this is the same key every time; the handle is
    /// transient and the caller flushes it.</summary>
    public Task<TpmKey> CreateEccEndorsementKeyAsync(TpmAuth endorsementAuth = default, CancellationToken ct = default) =>
        tpm.CreatePrimaryAsync(TpmHandle.Endorsement, TpmTemplates.EccEndorsementKey(), hierarchyAuth: endorsementAuth, ct: ct);

    /// <summary>The EK certificates present in NV (none on a TPM nobody provisioned).</summary>
    public async Task<IReadOnlyList<TpmEkCertificate>> ReadEkCertificatesAsync(CancellationToken ct = default)
    {
        var present = (await tpm.GetHandlesAsync(TpmHandle.NvIndexFirst, ct).ConfigureAwait(false)).ToHashSet();
        var result = new List<TpmEkCertificate>();
        foreach (var index in TpmEkCertificateIndex.SearchOrder.Where(present.Contains))
        {
            // EK cert indices allow reads authorized by the owner hierarchy (TCG EK profile §2.2.1.4).
            var raw = await tpm.NvReadAllAsync(index, TpmHandle.Owner, ct: ct).ConfigureAwait(false);
            result.Add(new TpmEkCertificate(index, TpmEkCertificateIndex.Describe(index), ParseDer(raw, index)));
        }
        return result;
    }

    /// <summary>NV indices are sized generously and may be padded after the DER certificate.</summary>
    private static X509Certificate2 ParseDer(byte[] raw, uint index)
    {
        try
        {
            AsnDecoder.ReadEncodedValue(raw, AsnEncodingRules.DER, out _, out _, out var length);
            return X509CertificateLoader.LoadCertificate(raw.AsSpan(0, length));
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            throw new TpmProtocolException($"{TpmEkCertificateIndex.Describe(index)} at NV {TpmHandle.Format(index)} is not a DER certificate: {e.Message}", e);
        }
    }
}
