using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Eve.Appliance.Bench;

/// <summary>The machine a benchmark ran on, so figures are never quoted without it.</summary>
internal static class MachineInfo
{
    public static JsonObject Read() => new()
    {
        ["nproc"] = Environment.ProcessorCount,
        ["cpuModel"] = FirstValue("/proc/cpuinfo", "model name") ?? "unknown",
        ["memTotal"] = FirstValue("/proc/meminfo", "MemTotal") ?? "unknown",
        ["kernel"] = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "unknown",
        ["runtime"] = RuntimeInformation.FrameworkDescription,
    };

    public static string Describe(JsonObject m) =>
        $"machine: {m["nproc"]} CPUs ({m["cpuModel"]}), memory {m["memTotal"]}, kernel {m["kernel"]}, {m["runtime"]}";

    private static string? FirstValue(string file, string key)
    {
        if (!File.Exists(file)) return null;
        foreach (var line in File.ReadLines(file))
        {
            var colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim() == key) return line[(colon + 1)..].Trim();
        }
        return null;
    }
}
