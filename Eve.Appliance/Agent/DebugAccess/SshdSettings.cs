namespace Eve.Appliance.Agent.DebugAccess;

/// <summary>Where the debug sshd comes from and where it listens. On the device: Debian's
/// /usr/sbin/sshd (package openssh-server) on port 22 of every address, as EVE's; tests use
/// 127.0.0.1 and a free port.</summary>
internal sealed record SshdSettings(string SshdPath = "/usr/sbin/sshd", string ListenAddress = "0.0.0.0", int Port = 22)
{
    public string SshKeygenPath { get; init; } = "/usr/bin/ssh-keygen";

    /// <summary>sshd's compiled-in privilege-separation folder; it refuses to start without it.</summary>
    public string PrivsepDir { get; init; } = "/run/sshd";

    /// <summary>`--debug-ssh-listen ADDR:PORT` ([v6]:PORT for IPv6); null: the device default, every address, port 22.</summary>
    public static SshdSettings FromArg(string? listen)
    {
        if (listen == null) return new();
        var colon = listen.LastIndexOf(':');
        var host = colon > 0 ? listen[..colon].Trim('[', ']') : "";
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535 || !System.Net.IPAddress.TryParse(host, out _))
            throw new ArgumentException($"--debug-ssh-listen '{listen}': expected ADDR:PORT with an IP address, e.g. 127.0.0.1:2222 or [::1]:2222");
        return new SshdSettings(ListenAddress: host, Port: port);
    }

    public string Listen => ListenAddress.Contains(':', StringComparison.Ordinal) ? $"[{ListenAddress}]:{Port}" : $"{ListenAddress}:{Port}";
}
