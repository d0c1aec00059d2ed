namespace Eve.Appliance.Agent.Apps;

/// <summary>The app cannot run as configured (bad references, does not fit in memory); the
/// message is the reason shown in info.</summary>
internal sealed class AppRefusedException(string message) : Exception(message);
