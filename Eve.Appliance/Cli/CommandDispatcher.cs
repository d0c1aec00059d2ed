using System.Security.Cryptography;

namespace Eve.Appliance.Cli;

/// <summary>Picks the subcommand and turns every failure into a readable line and an exit code.</summary>
internal static class CommandDispatcher
{
    public const string Help = """
        eve-appliance — EVE-compatible edge appliance: device runtime and embedded controller

          run --data-dir DIR [--listen ADDR:PORT] [--controller URL] [--serial S] [--tpm auto|none|device:PATH|swtpm:HOST:PORT]
                                  [--app-netns NS] [--mgmt-netns NS [--usb-image FAT]] [--boot-disk DISK [--boot-partition IMGA|IMGB] [--hardware-watchdog] [--reboot-file FILE]]
                                  [--metrics-listen ADDR:PORT [--metrics-listen-any]] [--log-interval SECONDS] [--log-drill RATE]
                                  the appliance: controller + device agent in one process
          controller --data-dir DIR [--listen ADDR:PORT] [--server-name NAME] [--enforce-integrity] [--metrics-listen ADDR:PORT [--metrics-listen-any]]
          agent --config-dir DIR --persist-dir DIR [--controller URL] [--serial S] [--tpm ...] [--mgmt-netns NS [--usb-image FAT]] [--log-drill RATE]
          diag (--data-dir DIR | --persist-dir DIR --config-dir DIR) [--mgmt-netns NS]   connectivity in words (EVE's diag)
          pki init --data-dir DIR --server-name NAME [--port P] [--force]
          run/agent also take [--debug-ssh-listen ADDR:PORT]   where the debug sshd listens while debug.enable.ssh is set (default 0.0.0.0:22)
          pki rotate-signing --data-dir DIR   new controller signing cert (running controller: at once; devices refetch /certs)
          controller/run also take [--ops-listen ADDR:PORT]   the operator REST API over TLS (tokens, client certs)
                                   and [--lps-listen ADDR:PORT]   EVE's Local Profile Server API over HTTP
          backup --data-dir DIR --out FOLDER      export store, PKI and images (controller running or stopped)
          restore --from FOLDER --data-dir DIR    into a fresh data folder; devices keep working, no re-onboarding
          ctl --data-dir DIR <command>   operator CLI (`eve-appliance ctl --data-dir DIR help`)
          sim --devices N --bootstrap DIR [--controller URL] [--mode fleet|storm|poll] ...   simulated EVE fleet (`sim help`)
          bench <area>|all [--json-out FILE]   benchmarks: spine, tpm, partition, download, vm
          soak [--minutes M] [--devices N] [--speedup F]   the appliance + a VM + a fleet; RSS/fd growth
          provision usb --out DIR|FILE.img ... | provision ingest --from SRC --data-dir DIR   provisioning stick (`provision help`)
          proto decode --type NAME FILE [--json]
          proto encode --type NAME FILE.json --out FILE.bin
          version
        """;

    public static async Task<ExitCode> RunAsync(string[] argv, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var args = new Args(argv);
            var command = args.Positional.FirstOrDefault();
            switch (command)
            {
                case "run": return await RunCommand.RunAsync(args);
                case "controller": return await ControllerCommand.RunAsync(args);
                case "agent": return await AgentCommand.RunAsync(args);
                case "diag": return await DiagCommand.RunAsync(args, stdout);
                case "pki": return PkiCommand.Run(args);
                case "backup": return await BackupCommand.BackupAsync(args, stdout);
                case "restore": return BackupCommand.Restore(args, stdout);
                case "proto": return ProtoCommand.Run(args, stdout);
                case "sim" when args.Positional.ElementAtOrDefault(1) == "help":
                    stdout.WriteLine(SimCommand.Usage);
                    return ExitCode.Ok;
                case "sim": return await SimCommand.RunAsync(args, stdout);
                case "bench": return await BenchCommand.RunAsync(args, stdout);
                case "soak": return await SoakCommand.RunAsync(args, stdout);
                case "provision": return await ProvisionCommand.RunAsync(args, stdout);
                case "ctl" when args.Positional.ElementAtOrDefault(1) is null or "help":
                    stdout.WriteLine(CtlCommand.Usage);
                    return ExitCode.Ok;
                case "ctl": return await CtlCommand.RunAsync(args, stdout);
                case "version":
                    stdout.WriteLine($"eve-appliance {typeof(CommandDispatcher).Assembly.GetName().Version}");
                    return ExitCode.Ok;
                case null or "help" or "--help":
                    stdout.WriteLine(Help);
                    return command == null ? ExitCode.Usage : ExitCode.Ok;
                default:
                    throw new UsageException($"unknown command '{command}'");
            }
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"eve-appliance: {e.Message}\n(see `eve-appliance help`)");
            return ExitCode.Usage;
        }
        catch (AdminRefusedException e)
        {
            await stderr.WriteLineAsync($"eve-appliance: controller refused ({e.Status}): {e.Message}");
            return e.Status == 404 ? ExitCode.NotFound : ExitCode.Failure;
        }
        catch (Exception e) when (e is ControllerNotRunningException or FileNotFoundException or DirectoryNotFoundException
                                      or InvalidDataException or ArgumentException or InvalidOperationException
                                      or CryptographicException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"eve-appliance: {e.Message}");
            return e is ArgumentException or InvalidDataException ? ExitCode.BadConfiguration : ExitCode.Failure;
        }
    }
}
