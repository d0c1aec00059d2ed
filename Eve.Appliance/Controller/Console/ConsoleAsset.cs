namespace Eve.Appliance.Controller.WebConsole;

/// <summary>One embedded console file, ready to send.</summary>
internal sealed record ConsoleAsset(byte[] Bytes, string ContentType, string ETag);
