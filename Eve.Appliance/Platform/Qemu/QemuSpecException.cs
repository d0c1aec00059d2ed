namespace Eve.Appliance.Platform.Qemu;

/// <summary>A <see cref="QemuDomainSpec"/> that cannot be turned into a command line; the message
/// lists every broken rule at once.</summary>
internal sealed class QemuSpecException(string domain, IReadOnlyList<string> problems)
    : Exception($"VM '{domain}' cannot start: {string.Join("; ", problems)}")
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
