namespace Eve.Appliance.Platform.Qemu;

/// <summary>The answer to query-status: QEMU's run state ("running", "paused", "shutdown", …).</summary>
internal sealed record QmpStatus(string Status, bool Running);
