using Eve.Appliance.Controller;
using Eve.Appliance.Controller.Pki;

namespace Eve.Appliance.Cli;

/// <summary>`eve-appliance pki init|rotate-signing`: the controller's PKI and a device bootstrap folder.</summary>
internal static class PkiCommand
{
    public static ExitCode Run(Args args)
    {
        var verb = args.Word(1, "pki verb (init, rotate-signing)");
        return verb switch
        {
            "init" => Init(args),
            "rotate-signing" => RotateSigning(args),
            _ => throw new UsageException($"unknown pki verb '{verb}' (known: init, rotate-signing)"),
        };
    }

    private static ExitCode Init(Args args)
    {
        var dataDir = Path.GetFullPath(args.Require("data-dir"));
        var name = args.Require("server-name");
        var port = args.Get("port") ?? "8443";
        var force = args.Flag("force");
        args.EnsureAllUsed();
        PkiInitializer.Init(dataDir, name, force);
        var bootstrap = ControllerServer.BootstrapDir(dataDir);
        PkiInitializer.WriteBootstrap(dataDir, bootstrap, $"{name}:{port}");
        Console.WriteLine($"PKI made in {PkiFiles.In(dataDir).Dir}");
        Console.WriteLine($"device bootstrap folder (EVE /config layout): {bootstrap}");
        return ExitCode.Ok;
    }

    /// <summary>A running controller rotates in place (admin socket) and signs with the new cert at
    /// once; a stopped one gets the new files and uses them at its next start. Devices follow by
    /// fetching /certs again either way.</summary>
    private static ExitCode RotateSigning(Args args)
    {
        var dataDir = Path.GetFullPath(args.Require("data-dir"));
        args.EnsureAllUsed();
        try
        {
            using var admin = new AdminClient(dataDir);
            var answer = admin.PostTextAsync("admin/pki/rotate-signing", "{}").GetAwaiter().GetResult();
            Console.WriteLine($"running controller now signs with '{answer?["subject"]}' (controllercert_confighash {answer?["certsConfigHash"]})");
            return ExitCode.Ok;
        }
        catch (ControllerNotRunningException)
        {
            using var pki = ControllerPki.Load(dataDir);
            var signer = pki.RotateSigning(TimeProvider.System);
            Console.WriteLine($"controller is not running: new signing cert '{signer.Cert.Subject}' written to {pki.Files.SigningCert}; used from its next start");
            return ExitCode.Ok;
        }
    }
}
