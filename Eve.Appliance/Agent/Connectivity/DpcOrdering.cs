namespace Eve.Appliance.Agent.Connectivity;

/// <summary>EVE's rules for the DPC list: highest priority first — the newest <c>TimePriority</c> wins
/// whatever its source — and the last resort always last; one entry per source key.</summary>
internal static class DpcOrdering
{
    /// <summary>The list with <paramref name="dpc"/> in its place; an entry with the same key is replaced.</summary>
    public static List<DevicePortConfig> Insert(IReadOnlyList<DevicePortConfig> list, DevicePortConfig dpc)
    {
        var result = list.Where(d => d.Key != dpc.Key).ToList();
        result.Add(dpc);
        return Sort(result);
    }

    public static List<DevicePortConfig> Sort(IEnumerable<DevicePortConfig> list) =>
        [.. list.OrderBy(d => d.IsLastResort).ThenByDescending(d => d.TimePriority).ThenBy(d => d.Key, StringComparer.Ordinal)];

    /// <summary>Prunes as EVE's <c>compressDPCL</c> does once a DPC works: keep the working one, the top
    /// entry (retried every <c>timer.port.testbetterinterval</c>), the higher-priority entries not yet
    /// tested, and the last resort (and the controller's DPC under the local operator's); drop everything
    /// below the working one and higher ones that failed.
    /// Returns the new list and the working DPC's new index.</summary>
    public static (List<DevicePortConfig> List, int Current) Prune(IReadOnlyList<DevicePortConfig> list, int current)
    {
        if (current < 0 || current >= list.Count) return ([.. list], current);
        var kept = new List<DevicePortConfig>();
        var newCurrent = -1;
        for (var i = 0; i < list.Count; i++)
        {
            var d = list[i];
            // The local operator's DPC is the controller's with local port settings: the controller's
            // stays under it as its base and fallback (EVE keeps the LPS config apart from the list).
            var keep = i == current || i == 0 || d.IsLastResort || (i < current && d.IsUntested)
                || (d.Key == DevicePortConfig.ControllerKey && list[current].Key == DevicePortConfig.LocalOperatorKey);
            if (!keep) continue;
            if (i == current) newCurrent = kept.Count;
            kept.Add(d);
        }
        return (kept, newCurrent);
    }
}
