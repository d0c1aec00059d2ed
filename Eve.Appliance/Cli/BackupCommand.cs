using System.Text.Json.Nodes;
using Eve.Appliance.Controller;
using Eve.Appliance.Controller.Backup;

namespace Eve.Appliance.Cli;

/// <summary>`eve-appliance backup --data-dir D --out DIR` and `restore --from DIR --data-dir D`.
/// A running controller is backed up through its API (consistent copy of the open store); a stopped
/// one by copying its files.</summary>
internal static class BackupCommand
{
    public static async Task<ExitCode> BackupAsync(Args args, TextWriter stdout)
    {
        var dataDir = Path.GetFullPath(args.Require("data-dir"));
        var outDir = Path.GetFullPath(args.Require("out"));
        args.EnsureAllUsed();
        if (File.Exists(ControllerServer.AdminSocketPath(dataDir)))
        {
            using var client = new AdminClient(dataDir);
            var answer = await client.PostTextAsync("api/ops/v1/backup", new JsonObject { ["out"] = outDir }.ToJsonString());
            stdout.WriteLine($"backup of the running controller in {outDir}: {answer?["files"]?.AsObject().Count} files");
            return ExitCode.Ok;
        }
        var manifest = ControllerBackup.Create(dataDir, null, outDir, TimeProvider.System);
        stdout.WriteLine($"backup of the stopped controller in {outDir}: {manifest.Files.Count} files");
        return ExitCode.Ok;
    }

    public static ExitCode Restore(Args args, TextWriter stdout)
    {
        var from = Path.GetFullPath(args.Require("from"));
        var dataDir = Path.GetFullPath(args.Require("data-dir"));
        args.EnsureAllUsed();
        var manifest = ControllerBackup.Restore(from, dataDir);
        stdout.WriteLine($"restored {manifest.Files.Count} files (backup of {manifest.CreatedAt:u}, server name '{manifest.ServerName}') into {dataDir}; start the controller there with the same --listen address");
        return ExitCode.Ok;
    }
}
