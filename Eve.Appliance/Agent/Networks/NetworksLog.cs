using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Agent.Networks;

/// <summary>Networks subsystem log messages (event ids 3xx).</summary>
internal static partial class NetworksLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "networks: {Operation} {Item} took {Millis} ms")]
    public static partial void Operation(ILogger logger, string operation, string item, double millis);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "networks: {Operation} {Item} failed: {Error}")]
    public static partial void OperationFailed(ILogger logger, string operation, string item, string error);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "networks: adopted {Count} existing items from the system")]
    public static partial void Adopted(ILogger logger, int count);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "networks: {Problem}")]
    public static partial void Problem(ILogger logger, string problem);
}
