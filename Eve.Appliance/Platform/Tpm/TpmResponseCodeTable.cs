namespace Eve.Appliance.Platform.Tpm;

/// <summary>Names and meanings of TPM_RC values (TCG TPM 2.0 Part 2 §6.6), with advice where the
/// fix is known. Keyed by the code with the handle/parameter/session number stripped.</summary>
internal static class TpmResponseCodeTable
{
    public sealed record Entry(string Name, string Meaning, string? Advice = null);

    private const uint Fmt1 = 0x080;
    private const uint Ver1 = 0x100;
    private const uint Warn = 0x900;

    public static IReadOnlyDictionary<uint, Entry> Codes { get; } = Build();

    private static Dictionary<uint, Entry> Build()
    {
        var d = new Dictionary<uint, Entry>
        {
            [Fmt1 + 0x01] = new("TPM_RC_ASYMMETRIC", "asymmetric algorithm not supported or not correct"),
            [Fmt1 + 0x02] = new("TPM_RC_ATTRIBUTES", "inconsistent attributes", "check the object or NV attributes against the command"),
            [Fmt1 + 0x03] = new("TPM_RC_HASH", "hash algorithm not supported or not appropriate"),
            [Fmt1 + 0x04] = new("TPM_RC_VALUE", "value is out of range or is not correct for the context"),
            [Fmt1 + 0x05] = new("TPM_RC_HIERARCHY", "hierarchy is not enabled or is not correct for the use"),
            [Fmt1 + 0x07] = new("TPM_RC_KEY_SIZE", "key size is not supported"),
            [Fmt1 + 0x08] = new("TPM_RC_MGF", "mask generation function not supported"),
            [Fmt1 + 0x09] = new("TPM_RC_MODE", "mode of operation not supported"),
            [Fmt1 + 0x0A] = new("TPM_RC_TYPE", "the type of the value is not appropriate for the use"),
            [Fmt1 + 0x0B] = new("TPM_RC_HANDLE", "the handle is not correct for the use", "the object may have been flushed or never loaded; load or create it again"),
            [Fmt1 + 0x0C] = new("TPM_RC_KDF", "unsupported key derivation function or function not appropriate for use"),
            [Fmt1 + 0x0D] = new("TPM_RC_RANGE", "value was out of allowed range"),
            [Fmt1 + 0x0E] = new("TPM_RC_AUTH_FAIL", "the authorization HMAC check failed and DA counter incremented", "check the password (authValue); repeated failures lock the TPM out"),
            [Fmt1 + 0x0F] = new("TPM_RC_NONCE", "invalid nonce size or nonce value mismatch"),
            [Fmt1 + 0x10] = new("TPM_RC_PP", "authorization requires assertion of physical presence"),
            [Fmt1 + 0x12] = new("TPM_RC_SCHEME", "unsupported or incompatible scheme"),
            [Fmt1 + 0x15] = new("TPM_RC_SIZE", "structure is the wrong size"),
            [Fmt1 + 0x16] = new("TPM_RC_SYMMETRIC", "unsupported symmetric algorithm or key size, or not appropriate for instance"),
            [Fmt1 + 0x17] = new("TPM_RC_TAG", "incorrect structure tag"),
            [Fmt1 + 0x18] = new("TPM_RC_SELECTOR", "union selector is incorrect"),
            [Fmt1 + 0x1A] = new("TPM_RC_INSUFFICIENT", "the TPM was unable to unmarshal a value because there were not enough octets in the input buffer"),
            [Fmt1 + 0x1B] = new("TPM_RC_SIGNATURE", "the signature is not valid"),
            [Fmt1 + 0x1C] = new("TPM_RC_KEY", "key fields are not compatible with the selected use"),
            [Fmt1 + 0x1D] = new("TPM_RC_POLICY_FAIL", "a policy check failed"),
            [Fmt1 + 0x1F] = new("TPM_RC_INTEGRITY", "integrity check failed"),
            [Fmt1 + 0x20] = new("TPM_RC_TICKET", "invalid ticket"),
            [Fmt1 + 0x21] = new("TPM_RC_RESERVED_BITS", "reserved bits not set to zero as required"),
            [Fmt1 + 0x22] = new("TPM_RC_BAD_AUTH", "authorization failure without DA implications", "check the password (authValue)"),
            [Fmt1 + 0x23] = new("TPM_RC_EXPIRED", "the policy has expired"),
            [Fmt1 + 0x24] = new("TPM_RC_POLICY_CC", "the command code in the policy is not the command code of the command"),
            [Fmt1 + 0x25] = new("TPM_RC_BINDING", "public and sensitive portions of an object are not cryptographically bound"),
            [Fmt1 + 0x26] = new("TPM_RC_CURVE", "curve not supported"),
            [Fmt1 + 0x27] = new("TPM_RC_ECC_POINT", "point is not on the required curve"),

            [Ver1 + 0x000] = new("TPM_RC_INITIALIZE", "TPM not initialized by TPM2_Startup or already initialized", "send TPM2_Startup exactly once after the TPM is reset"),
            [Ver1 + 0x001] = new("TPM_RC_FAILURE", "commands not being accepted because of a TPM failure", "the TPM is in failure mode; it needs a reset"),
            [Ver1 + 0x003] = new("TPM_RC_SEQUENCE", "improper use of a sequence handle"),
            [Ver1 + 0x020] = new("TPM_RC_DISABLED", "the command is disabled"),
            [Ver1 + 0x021] = new("TPM_RC_EXCLUSIVE", "command failed because audit sequence required exclusivity"),
            [Ver1 + 0x024] = new("TPM_RC_AUTH_TYPE", "authorization handle is not correct for command"),
            [Ver1 + 0x025] = new("TPM_RC_AUTH_MISSING", "command requires an authorization session for handle and it is not present"),
            [Ver1 + 0x026] = new("TPM_RC_POLICY", "policy failure in math operation or an invalid authPolicy value"),
            [Ver1 + 0x027] = new("TPM_RC_PCR", "PCR check fail"),
            [Ver1 + 0x028] = new("TPM_RC_PCR_CHANGED", "PCRs have changed since checked"),
            [Ver1 + 0x02D] = new("TPM_RC_UPGRADE", "the TPM is in field upgrade mode"),
            [Ver1 + 0x02E] = new("TPM_RC_TOO_MANY_CONTEXTS", "context ID counter is at maximum"),
            [Ver1 + 0x02F] = new("TPM_RC_AUTH_UNAVAILABLE", "authValue or authPolicy is not available for selected entity"),
            [Ver1 + 0x030] = new("TPM_RC_REBOOT", "a _TPM_Init and Startup(CLEAR) is required before the TPM can resume operation"),
            [Ver1 + 0x031] = new("TPM_RC_UNBALANCED", "the protection algorithms (hash and symmetric) are not reasonably balanced"),
            [Ver1 + 0x042] = new("TPM_RC_COMMAND_SIZE", "command size value is inconsistent with contents of the command buffer"),
            [Ver1 + 0x043] = new("TPM_RC_COMMAND_CODE", "command code not supported"),
            [Ver1 + 0x044] = new("TPM_RC_AUTHSIZE", "the authorization area size is out of range or larger than required"),
            [Ver1 + 0x045] = new("TPM_RC_AUTH_CONTEXT", "an authorization session was given to a command that cannot have one"),
            [Ver1 + 0x046] = new("TPM_RC_NV_RANGE", "NV offset+size is out of range"),
            [Ver1 + 0x047] = new("TPM_RC_NV_SIZE", "requested allocation size is larger than allowed"),
            [Ver1 + 0x048] = new("TPM_RC_NV_LOCKED", "NV access locked"),
            [Ver1 + 0x049] = new("TPM_RC_NV_AUTHORIZATION", "NV access authorization fails in command actions", "the index's attributes do not allow this hierarchy or password to read/write it"),
            [Ver1 + 0x04A] = new("TPM_RC_NV_UNINITIALIZED", "an NV index is used before being initialized", "write the index before reading it"),
            [Ver1 + 0x04B] = new("TPM_RC_NV_SPACE", "insufficient space for NV allocation"),
            [Ver1 + 0x04C] = new("TPM_RC_NV_DEFINED", "NV index or persistent object already defined", "undefine or evict the existing one, or pick another handle"),
            [Ver1 + 0x050] = new("TPM_RC_BAD_CONTEXT", "context in TPM2_ContextLoad() is not valid"),
            [Ver1 + 0x051] = new("TPM_RC_CPHASH", "cpHash value already set or not correct for use"),
            [Ver1 + 0x052] = new("TPM_RC_PARENT", "handle for parent is not a valid parent", "the parent must be a restricted decryption (storage) key"),
            [Ver1 + 0x053] = new("TPM_RC_NEEDS_TEST", "some function needs testing"),
            [Ver1 + 0x054] = new("TPM_RC_NO_RESULT", "an internal function cannot process a request due to an unspecified problem"),
            [Ver1 + 0x055] = new("TPM_RC_SENSITIVE", "the sensitive area did not unmarshal correctly after decryption"),

            [Warn + 0x001] = new("TPM_RC_CONTEXT_GAP", "gap for context ID is too large"),
            [Warn + 0x002] = new("TPM_RC_OBJECT_MEMORY", "out of memory for object contexts", "flush transient objects (no resource manager flushes them for us)"),
            [Warn + 0x003] = new("TPM_RC_SESSION_MEMORY", "out of memory for session contexts", "flush sessions"),
            [Warn + 0x004] = new("TPM_RC_MEMORY", "out of shared object/session memory or need space for internal operations", "flush transient objects and sessions"),
            [Warn + 0x005] = new("TPM_RC_SESSION_HANDLES", "out of session handles", "flush a session"),
            [Warn + 0x006] = new("TPM_RC_OBJECT_HANDLES", "out of object handles", "flush transient objects or evict persistent ones"),
            [Warn + 0x007] = new("TPM_RC_LOCALITY", "bad locality"),
            [Warn + 0x008] = new("TPM_RC_YIELDED", "the TPM has suspended operation on the command", "retry the command"),
            [Warn + 0x009] = new("TPM_RC_CANCELED", "the command was canceled", "retry the command"),
            [Warn + 0x00A] = new("TPM_RC_TESTING", "TPM is performing self-tests", "retry the command"),
            [Warn + 0x020] = new("TPM_RC_NV_RATE", "the TPM is rate-limiting accesses to prevent wearout of NV", "retry later"),
            [Warn + 0x021] = new("TPM_RC_LOCKOUT", "authorizations for objects subject to DA protection are not allowed because the TPM is in DA lockout mode", "wait for the lockout to expire or reset it with the lockout authorization"),
            [Warn + 0x022] = new("TPM_RC_RETRY", "the TPM was not able to start the command", "retry the command"),
            [Warn + 0x023] = new("TPM_RC_NV_UNAVAILABLE", "the command may require writing of NV and NV is not currently accessible", "retry later"),
        };
        string[] ordinal = ["1st", "2nd", "3rd", "4th", "5th", "6th", "7th"];
        for (uint i = 0; i < 7; i++)
        {
            d[Warn + 0x010 + i] = new($"TPM_RC_REFERENCE_H{i}",
                $"the {ordinal[i]} handle in the handle area references a transient object or session that is not loaded",
                "the object may have been flushed; load or create it again");
            d[Warn + 0x018 + i] = new($"TPM_RC_REFERENCE_S{i}",
                $"the {ordinal[i]} authorization session handle references a session that is not loaded");
        }
        return d;
    }
}
