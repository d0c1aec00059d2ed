namespace Eve.Appliance.Api.NewLogs;

/// <summary>A newlogs payload (gzip member or JSON line) that cannot be decoded. The message says
/// what is wrong and at which offset or line, so a controller can return 400 with it.</summary>
internal sealed class NewLogsFormatException(string message, Exception? inner = null) : Exception(message, inner);
