using Eve.Appliance.Platform.Files;

namespace Eve.Appliance.Agent.DebugAccess;

/// <summary>
/// The appliance's ssh <c>authorized_keys</c> (under the data folder, mode 0600, written
/// crash-safely). Only plain public-key lines are accepted: a line with authorized_keys options
/// (command=, from=, …) or anything that is not a known key type is refused, so the config item
/// cannot smuggle more than "this key may log in".
/// </summary>
internal sealed class AuthorizedKeys(string sshDir)
{
    private static readonly string[] KeyTypes =
    [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ];

    public string FilePath => Path.Combine(sshDir, "authorized_keys");

    /// <summary>The key lines of a debug.enable.ssh value, or why it is refused.</summary>
    public static (IReadOnlyList<string> Lines, string? Error) Parse(string value)
    {
        var lines = value.Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0) return ([], "debug.enable.ssh is empty; set it to an ssh public key (e.g. the content of ~/.ssh/id_ed25519.pub)");
        foreach (var line in lines)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || !KeyTypes.Contains(parts[0]))
                return ([], $"debug.enable.ssh: '{Shorten(line)}' is not an ssh public key line (expected '<type> <base64> [comment]' with type {string.Join(", ", KeyTypes)}; options are not allowed)");
            try { Convert.FromBase64String(parts[1]); }
            catch (FormatException) { return ([], $"debug.enable.ssh: the key data of '{Shorten(line)}' is not base64"); }
        }
        return (lines, null);
    }

    /// <summary>Writes the file if its content differs; true when it changed.</summary>
    public bool Write(IReadOnlyList<string> lines)
    {
        var text = string.Join('\n', lines) + "\n";
        if (File.Exists(FilePath) && File.ReadAllText(FilePath) == text) return false;
        Directory.CreateDirectory(sshDir);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(sshDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        AtomicFile.WriteText(FilePath, text, AtomicFile.Private);
        return true;
    }

    /// <summary>Removes the file; true when there was one.</summary>
    public bool Remove()
    {
        if (!File.Exists(FilePath)) return false;
        File.Delete(FilePath);
        AtomicFile.FsyncDirectory(sshDir);
        return true;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
