using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Agent.BaseOs;

/// <summary>The A/B states on a real disk: reads them for the partition the system booted from,
/// and applies a transition's state actions as ONE crash-safe GPT rewrite.</summary>
internal static class BaseOsPartitionTable
{
    public static string OtherOf(string current) => current switch
    {
        "IMGA" => "IMGB",
        "IMGB" => "IMGA",
        _ => throw new ArgumentException($"'{current}' is not IMGA or IMGB"),
    };

    public static async Task<BaseOsSlots> ReadAsync(IBlockDevice dev, string current, CancellationToken ct = default)
    {
        var table = (await GptReader.ReadAsync(dev, ct).ConfigureAwait(false)).Table;
        return new BaseOsSlots(StateOf(table, dev, current).Eve, StateOf(table, dev, OtherOf(current)).Eve);
    }

    public static PartitionState StateOf(GptTable table, IBlockDevice dev, string name) =>
        new((table.Find(name) ?? throw new GptException($"disk {dev.Name} has no partition named {name}")).Attributes);

    /// <summary>Writes the Set*State actions of <paramref name="actions"/>; returns true when the
    /// GPT changed. Other actions (reboot, timers, reports) are the caller's.</summary>
    public static async Task<bool> ApplyAsync(IBlockDevice dev, string current, IEnumerable<BaseOsAction> actions,
        CancellationToken ct = default)
    {
        var read = await GptReader.ReadAsync(dev, ct).ConfigureAwait(false);
        var table = read.Table;
        foreach (var a in actions)
        {
            string? name = a.Kind switch
            {
                BaseOsActionKind.SetCurrentState => current,
                BaseOsActionKind.SetOtherState => OtherOf(current),
                _ => null,
            };
            if (name == null) continue;
            var entry = table.Find(name)!.Value;
            table = table.WithAttributes(entry.Number, new PartitionState(entry.Attributes).With(a.State).Attributes);
        }
        if (table.SameContentAs(read.Table) && !read.NeedsRepair) return false;
        await GptWriter.WriteAsync(dev, table, ct).ConfigureAwait(false);
        return true;
    }
}
