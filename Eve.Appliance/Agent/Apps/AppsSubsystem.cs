using System.Collections.Concurrent;
using Eve.Appliance.Agent.Bootstrap;
using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.Content;
using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Platform.Qemu;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Apps;

/// <summary>App instances as VMs (EVE's zedmanager + volumemgr + domainmgr in one): for each new
/// desired state it computes the app instances (<see cref="DesiredApps"/>), gives each its own
/// <see cref="AppWorker"/>, stops and forgets the ones that left the config, then removes their
/// volumes and the blobs no config references any more.
/// <code>
/// Dir (PersistDir/apps)/
///   state/&lt;app&gt;.json         lifecycle record (AppRecord)
///   content/blobs/sha256/…     verified blobs (BlobStore), content/partial/… downloads in progress
///   volumes/&lt;vol&gt;.&lt;gen&gt;.qcow2  app volumes
///   logs/&lt;app&gt;.console.log    serial console (also sent to the controller as app logs)
///   run/&lt;app&gt;.qmp|.pid        QMP socket and pidfile of the running QEMU
/// </code></summary>
internal sealed partial class AppsSubsystem(AppsOptions? options = null, IAppNetworkAttachment? network = null, IProcessRunner? runner = null) : IAgentSubsystem
{
    private readonly AppsOptions _options = options ?? new AppsOptions();
    private readonly ConcurrentDictionary<Guid, (AppWorker Worker, Task Task)> _workers = new();

    public string Name => "apps";

    /// <summary>The running workers, for metrics, tests and benchmarks.</summary>
    public IReadOnlyCollection<AppWorker> Workers => _workers.Values.Select(w => w.Worker).ToList();

    public AppWorker? Worker(Guid app) => _workers.TryGetValue(app, out var w) ? w.Worker : null;

    public async Task RunAsync(AgentContext context, CancellationToken ct)
    {
        _decryptor = context.Decryptor;
        var dir = _options.Dir ?? Path.Combine(context.Options.PersistDir, "apps");
        var run = _options.RunDir ?? Path.Combine(dir, "run");
        var log = context.Loggers.CreateLogger("Apps");
        var processes = runner ?? ProcessRunner.Default;
        var roots = BootstrapFolder.Load(context.Options.ConfigDir, context.Options.ControllerUrl).TlsRoots;
        var store = new BlobStore(Path.Combine(dir, "content"));
        using var content = new ContentFetcher(store, _options.Downloader, roots, context.Time, context.Loggers);
        var volumes = new VolumeManager(Path.Combine(dir, "volumes"), new QemuImg(processes));
        var accel = _options.Accel ?? AccelProbe.Host.Probe().Accel;
        var parts = new AppWorkerParts(new AppStateStore(Path.Combine(dir, "state")), content, volumes,
            new QemuSupervisor(processes, _options.Qemu, context.Time), accel, network ?? new UserModeNetworkAttachment(),
            context.Reports, _options, Directory.CreateDirectory(run).FullName, Directory.CreateDirectory(Path.Combine(dir, "logs")).FullName,
            _options.AvailableMemoryKiB ?? (() => HostMemory.ReadAvailableKiB()), context.Time, log) { SeedDir = Path.Combine(dir, "seeds"), Runner = processes };
        context.Reports.AddMetrics(m => AppMetrics.Fill(m, Workers, context.Time.GetUtcNow(), volumes.PathOf));
        Log.Started(log, dir, accel);

        // Workers live as long as this run: when it ends (agent shutdown, or a failure the agent
        // restarts us from) they let go of their VMs, which the next run adopts.
        using var life = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stats = BlockStatsLoopAsync(life.Token);
        var netInfo = NetworkInfoLoopAsync(parts.Network, life.Token);
        var changes = context.Hub.Subscribe();
        using var beat = context.Health?.Register(Name);
        try
        {
            while (true)
            {
                beat?.Idle();
                var desired = await changes.ReadAsync(ct).ConfigureAwait(false);
                beat?.Beat();
                await ApplyAsync(desired, parts, context.Maintenance, log, life.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            await life.CancelAsync().ConfigureAwait(false);
            foreach (var (id, (_, task)) in _workers)
            {
                try { await task.ConfigureAwait(false); }
                catch (OperationCanceledException) { }
                catch (Exception e) { Log.WorkerFailed(log, id, e); }
            }
            _workers.Clear();
            try { await stats.ConfigureAwait(false); } catch (OperationCanceledException) { }
            try { await netInfo.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    private ObjectCrypto.IObjectDecryptor? _decryptor;

    private async Task ApplyAsync(DesiredState desired, AppWorkerParts parts, Node.MaintenanceMode? maintenance, ILogger log, CancellationToken ct)
    {
        var result = DesiredApps.Compute(desired.Config, _decryptor);
        // Maintenance mode stops every app (EVE: apps halted until the device leaves it); their
        // volumes and records stay, so they come back as they were.
        if (maintenance is { Active: true }) result = result with { Apps = result.Apps.Select(a => a with { Activate = false }).ToList() };
        var wanted = result.Apps.ToDictionary(a => a.Id);
        foreach (var app in result.Apps)
        {
            var problem = result.Problems.GetValueOrDefault(app.Id);
            if (_workers.TryGetValue(app.Id, out var existing) && !existing.Task.IsCompleted) existing.Worker.Update(app, problem);
            else
            {
                // A worker that ended on its own hit a bug; log it and give the app a fresh one.
                if (existing.Task is { IsFaulted: true } failed) Log.WorkerFailed(log, app.Id, failed.Exception!);
                var worker = new AppWorker(app, problem, parts);
                _workers[app.Id] = (worker, Task.Run(() => worker.RunAsync(ct), CancellationToken.None));
            }
        }
        var leaving = _workers.Where(w => !wanted.ContainsKey(w.Key)).ToList();
        foreach (var (_, (worker, _)) in leaving) worker.Remove();
        foreach (var (id, (_, task)) in leaving)
        {
            try { await task.ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException) { Log.WorkerFailed(log, id, e); }
            _workers.TryRemove(id, out _);
        }
        // Records of apps no longer configured whose worker never ran in this agent (removed while it was down).
        foreach (var stale in parts.States.Ids().Where(id => !wanted.ContainsKey(id) && !_workers.ContainsKey(id)))
        {
            var worker = new AppWorker(new AppIntent { Id = stale, Name = parts.States.Load(stale)?.Name ?? stale.ToString() }, null, parts);
            worker.Remove();
            await worker.RunAsync(ct).ConfigureAwait(false);
        }
        CollectGarbage(desired.Config, result, parts, log);
    }

    /// <summary>Volumes of no configured app, then blobs of no configured content tree.</summary>
    private void CollectGarbage(EdgeDevConfig config, DesiredApps.Result result, AppWorkerParts parts, ILogger log)
    {
        var keepVolumes = result.Apps.SelectMany(a => a.Volumes).ToList();
        foreach (var path in parts.Volumes.Collect(keepVolumes)) Log.Removed(log, path);
        var liveHashes = config.ContentInfo.Select(c => c.Sha256).Where(s => s.Length == 64)
            .Concat(result.Apps.SelectMany(a => a.Volumes).Select(v => v.Content?.Sha256 ?? "").Where(s => s.Length == 64));
        var collected = parts.Content.Store.Collect(liveHashes);
        if (collected.RemovedBlobs.Count > 0) Log.Collected(log, collected.RemovedBlobs.Count, collected.FreedBytes);
    }

    /// <summary>An app's network status changes without a lifecycle step (its DHCP lease arrives
    /// seconds after boot), so its info is re-sent when the networks part says so.</summary>
    private async Task NetworkInfoLoopAsync(IAppNetworkAttachment network, CancellationToken ct)
    {
        if (network.Changes is not { } changes) return;
        await foreach (var app in changes.ReadAllAsync(ct).ConfigureAwait(false))
            Worker(app)?.PublishInfo();
    }

    private async Task BlockStatsLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(_options.StatsInterval, ct).ConfigureAwait(false);
            foreach (var w in Workers)
            {
                if (w.Vm is not { IsRunning: true } vm) continue;
                try { w.BlockStats = await vm.Qmp.QueryBlockStatsAsync(ct).ConfigureAwait(false); }
                catch (QmpException) { }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 811, Level = LogLevel.Information, Message = "apps: state in {Dir}, VMs use {Accel}")]
        public static partial void Started(ILogger logger, string dir, QemuAccel accel);

        [LoggerMessage(EventId = 812, Level = LogLevel.Error, Message = "apps: worker of app {App} failed")]
        public static partial void WorkerFailed(ILogger logger, Guid app, Exception e);

        [LoggerMessage(EventId = 813, Level = LogLevel.Information, Message = "apps: removed volume {Path}")]
        public static partial void Removed(ILogger logger, string path);

        [LoggerMessage(EventId = 814, Level = LogLevel.Information, Message = "apps: garbage-collected {Count} blobs, {Bytes} bytes")]
        public static partial void Collected(ILogger logger, int count, long bytes);
    }
}
