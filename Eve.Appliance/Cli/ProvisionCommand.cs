using Eve.Appliance.Controller;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Provisioning;

namespace Eve.Appliance.Cli;

/// <summary>`eve-appliance provision usb` writes a provisioning stick (folder or FAT image) with EVE's
/// /config contents and, for air-gapped sites, images; `provision ingest` is what the device runs at
/// boot (images/appliance/rootfs/init) to take a stick in once.</summary>
internal static class ProvisionCommand
{
    public const string Usage = """
        eve-appliance provision usb --out DIR|FILE.img [--from-controller DATA] [--server HOST:PORT]
                                    [--root-cert PEM] [--onboard-cert PEM --onboard-key PEM] [--tls-roots PEM]
                                    [--dpc usb.json] [--image FILE]...
            a provisioning stick: a folder to copy onto a FAT stick, or a FAT image to dd (name ends in .img)
        eve-appliance provision ingest --from DIR|DEVICE|FILE.img --data-dir DATA
            the device side: verify and take the stick in once (its manifest hash is recorded)
        """;

    public static async Task<ExitCode> RunAsync(Args args, TextWriter stdout, CancellationToken ct = default)
    {
        switch (args.Positional.ElementAtOrDefault(1))
        {
            case "usb": return await UsbAsync(args, stdout, ct).ConfigureAwait(false);
            case "ingest": return await IngestAsync(args, stdout, ct).ConfigureAwait(false);
            case null or "help":
                stdout.WriteLine(Usage);
                return ExitCode.Ok;
            default: throw new UsageException($"unknown provision command '{args.Positional[1]}' (usb, ingest)");
        }
    }

    private static async Task<ExitCode> UsbAsync(Args args, TextWriter stdout, CancellationToken ct)
    {
        var output = args.Require("out");
        var bundle = new ProvisionBundle();
        if (args.Get("from-controller") is { } data) bundle.AddControllerBootstrap(ControllerServer.BootstrapDir(Path.GetFullPath(data)));
        if (args.Get("server") is { } server) bundle.AddConfigText("server", server.Trim() + "\n");
        if (args.Get("root-cert") is { } root) bundle.AddConfig("root-certificate.pem", root);
        if (args.Get("tls-roots") is { } tls) bundle.AddConfig("v2tlsbaseroot-certificates.pem", tls);
        if (args.Get("onboard-cert") is { } oc) bundle.AddConfig("onboard.cert.pem", oc);
        if (args.Get("onboard-key") is { } ok) bundle.AddConfig("onboard.key.pem", ok);
        if (args.Get("dpc") is { } dpc) bundle.AddConfig("DevicePortConfig/usb.json", dpc);
        foreach (var image in args.GetAll("image")) bundle.AddImage(image);
        args.EnsureAllUsed();
        var r = await new UsbStickWriter(ProcessRunner.Default).WriteAsync(bundle, output, ct).ConfigureAwait(false);
        stdout.WriteLine($"provisioning {(r.IsImage ? "image" : "folder")} {r.Path}: {r.Files} files, {r.Bytes} B, manifest sha256 {r.ManifestSha256}");
        return ExitCode.Ok;
    }

    private static async Task<ExitCode> IngestAsync(Args args, TextWriter stdout, CancellationToken ct)
    {
        var from = args.Require("from");
        var data = Path.GetFullPath(args.Require("data-dir"));
        args.EnsureAllUsed();
        var r = await new UsbStickIngester(ProcessRunner.Default, TimeProvider.System).IngestAsync(from, data, ct).ConfigureAwait(false);
        stdout.WriteLine(r.AlreadyIngested
            ? $"provisioning stick {from} (manifest sha256 {r.ManifestSha256}) was ingested before; nothing changed"
            : $"ingested provisioning stick {from} (manifest sha256 {r.ManifestSha256}): config {string.Join(", ", r.ConfigFiles)}" +
              (r.Images.Count > 0 ? "; images in the built-in datastore (an app or base OS uses them by sha256, no datastore): " +
                string.Join(", ", r.Images.Select(i => $"{i.Name} sha256 {i.Sha256} ({i.Size} B)")) : ""));
        return ExitCode.Ok;
    }
}
