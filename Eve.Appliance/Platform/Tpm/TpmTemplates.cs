namespace Eve.Appliance.Platform.Tpm;

/// <summary>Public-area templates for the keys the appliance creates. All are P-256 with SHA-256
/// names, bound to this TPM (fixedTPM, fixedParent) and generated inside it (sensitiveDataOrigin).
/// noDA keeps a wrong password on these keys from locking out the whole TPM.</summary>
internal static class TpmTemplates
{
    private const TpmObjectAttributes Bound =
        TpmObjectAttributes.FixedTpm | TpmObjectAttributes.FixedParent | TpmObjectAttributes.SensitiveDataOrigin;

    /// <summary>Unrestricted ECDSA-SHA256 signing key: signs any digest (AuthContainer, X.509 TBS).
    /// <paramref name="unique"/> seeds primary-key derivation: equal templates in one hierarchy give
    /// the same key, so a random value makes a fresh identity.</summary>
    public static TpmPublic EccSigningKey(byte[]? unique = null) => new(
        TpmAlg.Ecc, TpmAlg.Sha256,
        Bound | TpmObjectAttributes.UserWithAuth | TpmObjectAttributes.NoDa | TpmObjectAttributes.Sign,
        [], TpmSymDef.Null, TpmScheme.EcdsaSha256, TpmEccCurve.NistP256, TpmScheme.Null,
        new TpmEccPoint(unique ?? [], []));

    /// <summary>Unrestricted decrypt key for TPM2_ECDH_ZGen (object-level decryption, EVE's ECDH key).</summary>
    public static TpmPublic EccEcdhKey(byte[]? unique = null) => new(
        TpmAlg.Ecc, TpmAlg.Sha256,
        Bound | TpmObjectAttributes.UserWithAuth | TpmObjectAttributes.NoDa | TpmObjectAttributes.Decrypt,
        [], TpmSymDef.Null, new TpmScheme(TpmAlg.Ecdh, TpmAlg.Sha256), TpmEccCurve.NistP256, TpmScheme.Null,
        new TpmEccPoint(unique ?? [], []));

    /// <summary>Restricted decrypt (storage) key: the parent for TPM2_Create/TPM2_Load.</summary>
    public static TpmPublic EccStorageKey() => new(
        TpmAlg.Ecc, TpmAlg.Sha256,
        Bound | TpmObjectAttributes.UserWithAuth | TpmObjectAttributes.NoDa
              | TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt,
        [], TpmSymDef.Aes128Cfb, TpmScheme.Null, TpmEccCurve.NistP256, TpmScheme.Null, TpmEccPoint.Empty);

    /// <summary>Restricted ECDSA signing key (an attestation key): it signs only TPM-generated
    /// structures such as quotes, so it cannot be tricked into signing a forged TPMS_ATTEST.</summary>
    public static TpmPublic EccAttestationKey() => new(
        TpmAlg.Ecc, TpmAlg.Sha256,
        Bound | TpmObjectAttributes.UserWithAuth | TpmObjectAttributes.NoDa
              | TpmObjectAttributes.Restricted | TpmObjectAttributes.Sign,
        [], TpmSymDef.Null, TpmScheme.EcdsaSha256, TpmEccCurve.NistP256, TpmScheme.Null, TpmEccPoint.Empty);

    /// <summary>PolicySecret(TPM_RH_ENDORSEMENT) digest: the EK's authPolicy in the TCG EK Credential Profile.</summary>
    public static readonly byte[] EkPolicyEndorsement = Convert.FromHexString(
        "837197674484B3F81A90CC8D46A5D724FD52D76E06520B64F2A1DA1B331469AA");

    /// <summary>TCG EK Credential Profile 2.0, template L-2 (ECC NIST P-256 EK, low range): the EK
    /// whose certificate a manufacturer puts at NV index 0x01c0000a.</summary>
    public static TpmPublic EccEndorsementKey() => new(
        TpmAlg.Ecc, TpmAlg.Sha256,
        Bound | TpmObjectAttributes.AdminWithPolicy | TpmObjectAttributes.Restricted | TpmObjectAttributes.Decrypt,
        EkPolicyEndorsement, TpmSymDef.Aes128Cfb, TpmScheme.Null, TpmEccCurve.NistP256, TpmScheme.Null,
        new TpmEccPoint(new byte[32], new byte[32]));
}
