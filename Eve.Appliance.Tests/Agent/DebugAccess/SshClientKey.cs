using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Tests.Agent.DebugAccess;

/// <summary>An ssh client key pair made by ssh-keygen, and the real ssh client logging in with it.</summary>
internal sealed class SshClientKey(string privateKey)
{
    public string PrivateKeyFile { get; } = privateKey;
    public string PublicLine => File.ReadAllText(PrivateKeyFile + ".pub").Trim();

    public static async Task<SshClientKey> MakeAsync(string dir, string name)
    {
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name);
        await ProcessRunner.Default.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", file]);
        return new SshClientKey(file);
    }

    /// <summary>`ssh -i key -p PORT root@127.0.0.1 COMMAND` in batch mode: exit code and output.</summary>
    public async Task<ProcessResult> RunAsync(int port, string command) =>
        await ProcessRunner.Default.RunAsync("ssh",
            ["-i", PrivateKeyFile, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
             "-o", "ConnectTimeout=20", "-o", "LogLevel=ERROR", "root@127.0.0.1", command],
            TimeSpan.FromSeconds(60), check: false);
}
