namespace Eve.Appliance.Platform.Qemu;

/// <summary>Disk image formats the appliance creates and attaches (names as qemu-img spells them).</summary>
internal enum QemuImageFormat
{
    Raw,
    Qcow2,
}

internal static class QemuImageFormatNames
{
    public static string ToQemu(this QemuImageFormat format) => format switch
    {
        QemuImageFormat.Raw => "raw",
        QemuImageFormat.Qcow2 => "qcow2",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown image format"),
    };

    public static QemuImageFormat? Parse(string? name) => name switch
    {
        "raw" => QemuImageFormat.Raw,
        "qcow2" => QemuImageFormat.Qcow2,
        _ => null,
    };
}
