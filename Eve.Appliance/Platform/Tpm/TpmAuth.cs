using System.Text;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>An authValue sent in a password session (TPM_RS_PW). The TPM compares it in the clear,
/// which is fine on a local bus or loopback; an HMAC session would be needed across a network.</summary>
internal readonly record struct TpmAuth(ReadOnlyMemory<byte> Value)
{
    public static TpmAuth Empty => default;

    public static TpmAuth FromPassword(string password) => new(Encoding.UTF8.GetBytes(password));
}
