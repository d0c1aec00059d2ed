namespace Eve.Appliance.Platform.Qemu;

/// <summary>What `qemu-img info --output=json` says about an image.</summary>
internal sealed record QemuImageInfo(string Path, string Format, long VirtualSizeBytes, long ActualSizeBytes,
    string? BackingFile, string? BackingFormat);
