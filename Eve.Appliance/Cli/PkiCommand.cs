using Eve.Appliance.Controller;
using Eve.Appliance.Controller.Pki;

namespace Eve.Appliance.Cli;

/// <summary>`eve-appliance pki init`: the controller's PKI and a device bootstrap folder.</summary>
internal static class PkiCommand
{
    public static ExitCode Run(Args args)
    {
        var verb = args.Word(1, "pki verb (init)");
        if (verb != "init") throw new UsageException($"unknown pki verb '{verb}' (known: init)");
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
}
