using System.Globalization;
using System.Text;

namespace Eve.Appliance.Agent.DebugAccess;

/// <summary>
/// The sshd_config the agent writes: keys only, and only the keys in our authorized_keys. Each line
/// closes a door: no passwords or keyboard-interactive (so no password guessing, whatever root's
/// password is), root by key only, no PAM (nothing outside this file decides), no forwarding of
/// agents, X11 or tunnels (debug access is a shell, not a way into the app networks).
/// StrictModes is off because sshd would also demand that every folder above authorized_keys be
/// root-owned and not group/world-writable; the agent itself writes the file 0600 in a 0700 folder.
/// </summary>
internal static class SshdConfig
{
    public static string Render(SshdSettings settings, string hostKey, string authorizedKeys)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# written by eve-appliance (Agent/DebugAccess); rewritten on every start");
        sb.AppendLine(CultureInfo.InvariantCulture, $"ListenAddress {settings.Listen}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"HostKey {hostKey}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"AuthorizedKeysFile {authorizedKeys}");
        sb.AppendLine("PidFile none");
        sb.AppendLine("PubkeyAuthentication yes");
        sb.AppendLine("PasswordAuthentication no");
        sb.AppendLine("KbdInteractiveAuthentication no");
        sb.AppendLine("PermitEmptyPasswords no");
        sb.AppendLine("PermitRootLogin prohibit-password");
        sb.AppendLine("UsePAM no");
        sb.AppendLine("StrictModes no");
        sb.AppendLine("AllowAgentForwarding no");
        sb.AppendLine("AllowTcpForwarding no");
        sb.AppendLine("X11Forwarding no");
        sb.AppendLine("PermitTunnel no");
        sb.AppendLine("PrintMotd no");
        sb.AppendLine("LogLevel INFO");
        return sb.ToString();
    }
}
