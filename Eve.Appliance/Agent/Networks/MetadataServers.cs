using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>Keeps one <see cref="MetadataServer"/> per local network instance whose bridge is up, on
/// its gateway address; stops the servers of instances that went away or changed address. A server that
/// cannot start (bridge not there yet) is retried on the next pass.</summary>
internal sealed class MetadataServers(string? netns, Func<MetadataDirectory> directory, ILogger log) : IAsyncDisposable
{
    private readonly Dictionary<string, MetadataServer> _servers = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Running => _servers.Keys;

    public async Task SyncAsync(IEnumerable<NetworkInstanceStatus> instances, Func<NetworkInstanceStatus, bool> bridgeUp, CancellationToken ct)
    {
        var wanted = instances.Where(i => i.Kind == ZNetworkInstType.ZnetInstLocal && i.Gateway != null && bridgeUp(i))
            .ToDictionary(i => i.Uuid, StringComparer.OrdinalIgnoreCase);
        foreach (var (uuid, server) in _servers.ToList())
        {
            if (wanted.TryGetValue(uuid, out var ni) && ni.Gateway == server.Gateway) continue;
            _servers.Remove(uuid);
            await server.DisposeAsync().ConfigureAwait(false);
            log.LogInformation("metadata server of network instance {Uuid} on {Gateway} stopped", uuid, server.Gateway);
        }
        foreach (var (uuid, ni) in wanted.Where(w => !_servers.ContainsKey(w.Key)))
        {
            try
            {
                _servers[uuid] = await MetadataServer.StartAsync(uuid, netns, ni.Gateway!, directory, ct).ConfigureAwait(false);
                log.LogInformation("metadata server of network instance {Uuid} listens on {Gateway}:80 (169.254.169.254)", uuid, ni.Gateway);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("metadata server of network instance {Uuid} on {Gateway}: {Error}; retrying on the next pass", uuid, ni.Gateway, e.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values) await server.DisposeAsync().ConfigureAwait(false);
        _servers.Clear();
    }
}
