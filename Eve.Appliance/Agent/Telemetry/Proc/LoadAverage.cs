namespace Eve.Appliance.Agent.Telemetry.Proc;

/// <summary>/proc/loadavg.</summary>
internal readonly record struct LoadAverage(double One, double Five, double Fifteen, int Running, int Total);
