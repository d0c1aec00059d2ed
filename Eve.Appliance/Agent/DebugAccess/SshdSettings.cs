namespace Eve.Appliance.Agent.DebugAccess;

/// <summary>Where the debug sshd comes from and where it listens. On the device: Debian's
/// /usr/sbin/sshd (package openssh-server) on port 22 of every address, as EVE's; tests use
/// 127.0.0.1 and a free port.</summary>
internal sealed record SshdSettings(string SshdPath = "/usr/sbin/sshd", string ListenAddress = "0.0.0.0", int Port = 22)
{
    public string SshKeygenPath { get; init; } = "/usr/bin/ssh-keygen";

    /// <summary>sshd's compiled-in privilege-separation folder; it refuses to start without it.</summary>
    public string PrivsepDir { get; init; } = "/run/sshd";

    public string Listen => ListenAddress.Contains(':', StringComparison.Ordinal) ? $"[{ListenAddress}]:{Port}" : $"{ListenAddress}:{Port}";
}
