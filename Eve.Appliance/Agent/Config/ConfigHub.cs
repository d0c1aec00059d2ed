using System.Threading.Channels;

namespace Eve.Appliance.Agent.Config;

/// <summary>
/// The agent's desired state, published in-process: subsystems read <see cref="Current"/> or
/// subscribe and get each new state (latest-wins: a slow subscriber skips stale ones).
/// </summary>
internal sealed class ConfigHub
{
    private readonly Lock _lock = new();
    private readonly List<Channel<DesiredState>> _subscribers = [];

    public DesiredState? Current { get; private set; }

    public event Action<DesiredState>? Applied;

    public void Publish(DesiredState state)
    {
        List<Channel<DesiredState>> subs;
        lock (_lock)
        {
            Current = state;
            subs = [.. _subscribers];
        }
        foreach (var s in subs) s.Writer.TryWrite(state);
        Applied?.Invoke(state);
    }

    public ChannelReader<DesiredState> Subscribe()
    {
        var channel = Channel.CreateBounded<DesiredState>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock)
        {
            _subscribers.Add(channel);
            if (Current != null) channel.Writer.TryWrite(Current);
        }
        return channel.Reader;
    }
}
