using System.Threading.Channels;
using Eve.Appliance.Agent.Networks.Items;
using Eve.Appliance.Agent.Reconcile;
using Eve.Appliance.Platform.Net;
using Eve.Appliance.Platform.Processes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eve.Appliance.Agent.Networks;

/// <summary>The networks subsystem's façade (EVE's dpcreconciler shape): each call builds the intended graph
/// from the args, diffs it against the current graph it keeps, and applies the difference inside the
/// device namespace. The first call reads back what is already there, so a restart adopts it.</summary>
internal sealed class NetworksReconciler
{
    private readonly NetworksOptions _options;
    private readonly ConfiguratorRegistry _registry;
    private readonly NetworksCurrentState _readBack;
    private readonly Channel<ItemRef> _asyncDone = Channel.CreateUnbounded<ItemRef>();
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private Graph? _current;

    public NetworksReconciler(NetworksOptions options, IIpLinkClient ip, INftClient nft, IDnsmasqSupervisor dnsmasq,
        ISysctlClient sysctl, TimeProvider? time = null, ILogger<NetworksReconciler>? logger = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _log = logger ?? (ILogger)NullLogger.Instance;
        _readBack = new NetworksCurrentState(ip, nft, dnsmasq, sysctl, options.Netns);
        _registry = new ConfiguratorRegistry()
            .Register(new BridgeConfigurator(ip, options.Netns))
            .Register(new AppVifConfigurator(ip, options.Netns))
            .Register(new BridgePortConfigurator(ip, options.Netns))
            .Register(new DnsmasqConfigurator(dnsmasq, options.Netns))
            .Register(new NftTableConfigurator(nft, options.Netns))
            .Register(new SysctlConfigurator(sysctl, options.Netns));
    }

    public static NetworksReconciler Create(NetworksOptions options, IProcessRunner runner, ILoggerFactory? loggers = null) =>
        new(options, new IpLinkClient(runner), new NftClient(runner), new DnsmasqSupervisor(runner, options.RunDir),
            new SysctlClient(runner), logger: loggers?.CreateLogger<NetworksReconciler>());

    /// <summary>Completions of asynchronous operations; the owner reconciles again when one arrives.</summary>
    public ChannelReader<ItemRef> AsyncDone => _asyncDone.Reader;

    public Graph Current => _current ?? new Graph("networks-current");

    public Graph Intended { get; private set; } = new("networks-intended");

    public async Task<NetworksStatus> ReconcileAsync(NetworksArgs args, CancellationToken ct)
    {
        var (intended, plans) = NetworksIntendedState.Build(args);
        Intended = intended;
        if (_current == null)
        {
            _current = await _readBack.ReadAsync(intended, ct).ConfigureAwait(false);
            NetworksLog.Adopted(_log, _current.Count);
        }
        var status = await Reconciler.ReconcileAsync(intended, _current, _registry, new ReconcileContext(_asyncDone.Writer, _time), ct)
            .ConfigureAwait(false);
        _current = status.NewCurrent;
        foreach (var e in status.Log)
        {
            if (e.Error != null) NetworksLog.OperationFailed(_log, e.Operation.ToString(), e.Item.ToString(), e.Error);
            else NetworksLog.Operation(_log, e.Operation.ToString(), e.Item.ToString(), (e.End - e.Start).TotalMilliseconds);
        }
        foreach (var p in plans.SelectMany(p => p.Problems)) NetworksLog.Problem(_log, p);
        return new NetworksStatus([.. plans.Select(p => InstanceStatus(p, intended, status))], status.Log, status.Failing,
            status.Pending, status.AsyncInProgress);
    }

    public string DotCurrent() => GraphDot.Write(Current);

    public string DotIntended() => GraphDot.Write(Intended);

    private static NetworkInstanceStatus InstanceStatus(InstancePlan plan, Graph intended, ReconcileStatus status)
    {
        var errors = new List<string>(plan.Problems);
        var mine = intended.Nodes.Where(n => BelongsTo(n.Item, plan)).Select(n => n.Ref).ToHashSet();
        foreach (var (item, error) in status.Failing.Where(f => mine.Contains(f.Key)))
            errors.Add($"{item}: {error}");
        foreach (var (item, why) in status.Pending.Where(f => mine.Contains(f.Key)))
            errors.Add($"{item} waits: {why}");
        return new NetworkInstanceStatus(plan.Uuid, plan.DisplayName, plan.Kind, plan.Bridge, plan.Subnet, plan.Gateway, plan.Uplink,
            plan.Apps, errors);
    }

    private static bool BelongsTo(Item item, InstancePlan plan) => item switch
    {
        BridgeItem b => b.IfName == plan.Bridge,
        AppVifItem v => v.Bridge == plan.Bridge,
        BridgePortItem p => p.Bridge == plan.Bridge,
        DnsmasqItem d => d.Bridge == plan.Bridge,
        NftTableItem t => t.Bridge == plan.Bridge,
        _ => false,
    };
}
