// What the console's read endpoints return (OpsDeviceStatusEndpoints): device and app state as the
// devices last reported it, and the two device actions.

namespace Eve.Appliance.Controller.Ops;

/// <summary>A device's state as its last device info said (null fields: not reported yet).</summary>
internal sealed record DeviceStatusView(string DeviceId, string? State, string? Version, DateTime? InfoAt, DateTime? LastSeenAt);

/// <summary>One app on one device as that device last reported it.</summary>
internal sealed record AppStateView(string DeviceId, string AppId, string Name, string State, IReadOnlyList<string> Errors, DateTime ReceivedAt);

/// <summary>Move a device to a base-OS version (object id or name).</summary>
internal sealed record BaseOsUpdateRequest(string BaseOs);

internal sealed record RebootAnswer(int Counter, int ConfigVersion);
