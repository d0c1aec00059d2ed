namespace Eve.Appliance.Controller.Objects;

/// <summary>What the controller knows of a device that the compiler needs: its name and, from its
/// last device info, its capacity (null until the device has reported).</summary>
internal sealed record DeviceFacts(string Id, string Name, long? MemoryMb, int? Cpus);
