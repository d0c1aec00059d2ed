using System.Threading.Channels;

namespace Eve.Appliance.Agent.Reconcile;

/// <summary>What a pass may use besides the graphs: where to post completions of async operations
/// and the clock for the operation log.</summary>
internal sealed record ReconcileContext(ChannelWriter<ItemRef>? AsyncDone = null, TimeProvider? Time = null)
{
    public static ReconcileContext Default { get; } = new();

    public TimeProvider Clock => Time ?? TimeProvider.System;
}
