namespace Eve.Appliance.Platform.Tpm;

/// <summary>Turns the TPM option string into a transport:
/// "swtpm:127.0.0.1:2321", "device:/dev/tpmrm0", "auto" (the kernel device if present, else
/// none) and "none". Returns null when there is no TPM to use.</summary>
internal static class TpmTransportFactory
{
    /// <summary>Preferred first: the resource manager keeps other TPM users from seeing our objects.</summary>
    public static readonly string[] DefaultDevices = ["/dev/tpmrm0", "/dev/tpm0"];

    public static ITpmTransport? Create(string option, Func<string, bool>? deviceExists = null)
    {
        deviceExists ??= File.Exists;
        var o = option.Trim();
        if (o.Length == 0 || o.Equals("none", StringComparison.OrdinalIgnoreCase)) return null;
        if (o.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            var dev = DefaultDevices.FirstOrDefault(deviceExists);
            return dev is null ? null : new TpmDeviceTransport(dev);
        }
        if (o.StartsWith("device:", StringComparison.OrdinalIgnoreCase))
        {
            var path = o["device:".Length..];
            if (path.Length == 0) throw Invalid(option, "device: needs a path, e.g. device:/dev/tpmrm0");
            return new TpmDeviceTransport(path);
        }
        if (o.StartsWith("swtpm:", StringComparison.OrdinalIgnoreCase))
        {
            var hostPort = o["swtpm:".Length..];
            var colon = hostPort.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(hostPort[(colon + 1)..], out var port) || port is <= 0 or > 65535)
                throw Invalid(option, "swtpm: needs host:port, e.g. swtpm:127.0.0.1:2321");
            return new SwtpmTcpTransport(hostPort[..colon].Trim('[', ']'), port);
        }
        throw Invalid(option, "expected auto, none, device:<path> or swtpm:<host>:<port>");
    }

    private static ArgumentException Invalid(string option, string rule) =>
        new($"TPM option '{option}' is not valid: {rule}", nameof(option));
}
