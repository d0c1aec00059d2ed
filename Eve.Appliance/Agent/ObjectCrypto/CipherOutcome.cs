using Org.Lfedge.Eve.Common;

namespace Eve.Appliance.Agent.ObjectCrypto;

/// <summary>A decrypted EncryptionBlock, or why it could not be decrypted (what failed, on which
/// object, what to do).</summary>
internal sealed record CipherOutcome(EncryptionBlock? Block, string? Error)
{
    public static CipherOutcome Failed(string error) => new(null, error);
}
