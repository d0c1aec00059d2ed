using Eve.Appliance.Agent.Bootstrap;
using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.ControllerConn;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Agent.Reporting;
using Eve.Appliance.Agent.Telemetry.Logs;
using Eve.Appliance.Platform.Files;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Agent;

/// <summary>
/// The device runtime's spine as a hosted service: identity, onboarding, the config loop and the
/// reporting loops. Each loop is supervised: a failing pass is logged and retried after a back-off,
/// never allowed to stop the appliance (STYLE §5.3).
/// </summary>
internal sealed class DeviceAgent(AgentOptions options, ConfigHub hub, ILoggerFactory loggers, TimeProvider time, AgentLogSpool? logSpool = null,
    IEnumerable<IAgentSubsystem>? subsystems = null, Watchdog.HealthMonitor? health = null, Node.MaintenanceMode? maintenance = null)
    : BackgroundService
{
    private readonly ILogger _log = loggers.CreateLogger("Agent");
    private readonly TaskCompletionSource<string> _onboarded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstConfig = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConfigHub Hub => hub;
    public Task<string> Onboarded => _onboarded.Task;
    public Task FirstConfig => _firstConfig.Task;
    public DeviceSession? Session { get; private set; }
    public Outbox? Outbox { get; private set; }
    public ConfigPoller? Poller { get; private set; }
    public ReportingLoops? Reporting { get; private set; }
    public LogUploader? LogUploader { get; private set; }
    public IDeviceKey? Key { get; private set; }
    public AgentContext? Context { get; private set; }
    public Attestation.TpmAttester? Attester { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(options.PersistDir);
        var bootstrap = BootstrapFolder.Load(options.ConfigDir, options.ControllerUrl);
        var softSerial = SoftSerial();
        var serial = options.Serial ?? HardwareSerial();
        var transport = Platform.Tpm.TpmTransportFactory.Create(options.Tpm);
        await using var tpm = transport != null ? new Platform.Tpm.TpmClient(transport) : null;
        var key = await DeviceKeyFactory.LoadOrCreateAsync(options.ConfigDir, serial != "" ? serial : softSerial, tpm, time, ct).ConfigureAwait(false);
        Key = key;
        _log.LogInformation("device key: {Key}; controller {Server}", key.Description, bootstrap.Server);

        using var client = new ControllerClient(bootstrap, options.RequestTimeout, loggers.CreateLogger("ControllerConn"), options.ControllerHandler);
        var session = new DeviceSession(client, bootstrap, key, options.PersistDir, loggers.CreateLogger("ControllerConn"));
        Session = session;
        session.LoadPersisted();
        if (logSpool != null) logSpool.DeviceId = session.DeviceId ?? "";
        hub.Applied += _ => _firstConfig.TrySetResult();
        var poller = new ConfigPoller(session, hub, options, time, loggers.CreateLogger("Config")) { Health = health };
        Poller = poller;
        if (poller.LoadCheckpoint()) _log.LogInformation("running on the checkpointed config until the controller answers");

        var outbox = new Outbox(options.PersistDir, loggers.CreateLogger("Outbox")) { Health = health };
        Outbox = outbox;
        var reporting = new ReportingLoops(session, outbox, hub, new CollectorTelemetrySource(new Telemetry.Proc.ProcReader(), time, options.PersistDir), logSpool, options, time, loggers.CreateLogger("Reporting")) { Health = health };
        Reporting = reporting;
        var hsm = tpm == null ? HsmReport.NoTpm(key) : key.IsHardwareBacked ? await HsmReport.ForTpmAsync(tpm, key, ct).ConfigureAwait(false) : HsmReport.TpmUnused(key);
        reporting.AddDeviceInfo(hsm.Contribute);

        if (logSpool != null)
        {
            void Apply(Config.DesiredState state) => logSpool.ApplyConfigItems(state.Config.ConfigItems.GroupBy(i => i.Key).ToDictionary(g => g.Key, g => g.Last().Value));
            hub.Applied += Apply;
            if (hub.Current is { } current) Apply(current);
            LogUploader = new LogUploader(logSpool.Queue, async (action, gzip, c) => (await session.PostAsync(action, gzip, c).ConfigureAwait(false)).Status,
                options.LogUpload, time, loggers.CreateLogger("LogUpload")) { CanSend = () => session.DeviceId != null, Health = health };
            var uploader = LogUploader;
            reporting.AddMetrics(m => LogSpoolMetrics.Fill(m, logSpool, uploader));
        }
        var context = new AgentContext(options, hub, reporting, session, key, loggers, time)
        {
            LastControllerContact = () => poller.LastSuccess,
            Health = health,
            Maintenance = maintenance,
            Decryptor = new ObjectCrypto.ObjectDecryptor(key, () => session.Certs?.Message, loggers.CreateLogger("ObjectCrypto")),
        };
        Context = context;
        // Subsystems start before onboarding completes: a box that reboots while its controller
        // is away brings its apps back from the checkpointed config.
        var parts = (subsystems ?? []).Append(new DebugAccess.DebugAccessSubsystem()).Append(new ObjectCrypto.UnsupportedSecretsSubsystem()).Select(s => Supervise(s.Name, c => s.RunAsync(context, c), ct)).ToList();
        await OnboardAsync(session, serial, softSerial, ct).ConfigureAwait(false);
        if (tpm != null && key is TpmDeviceKey tpmKey)
        {
            var attester = new Attestation.TpmAttester(session, tpm, tpmKey, time, loggers.CreateLogger("Attest"));
            Attester = attester;
            poller.IntegrityToken = () => attester.IntegrityToken;
            poller.Reattest = attester.AttestAsync;
            try { await attester.AttestAsync(ct).ConfigureAwait(false); }
            catch (Exception e) when (e is ControllerUnavailableException or ControllerRefusedException or ControllerTrustException or Platform.Tpm.TpmException)
            {
                _log.LogWarning("attestation failed, will retry when the controller asks: {Reason}", e.Message);
            }
        }
        else
        {
            // Without a TPM there is no attestation, but the controller still needs the ECDH cert
            // to encrypt secrets for this device (EVE sends its soft ECDH cert the same way).
            try { await ObjectCrypto.EdgeNodeCerts.SendAsync(session, key, ct).ConfigureAwait(false); }
            catch (Exception e) when (e is ControllerUnavailableException or ControllerRefusedException or ControllerTrustException)
            {
                _log.LogWarning("sending the device ECDH cert failed; encrypted secrets cannot be opened until it is sent: {Reason}", e.Message);
            }
        }
        if (logSpool != null) logSpool.DeviceId = session.DeviceId!;
        _onboarded.TrySetResult(session.DeviceId!);

        await Task.WhenAll(
            LogUploader != null ? Supervise("logs", LogUploader.RunAsync, ct) : Task.CompletedTask,
            Supervise("config", poller.RunAsync, ct),
            Supervise("outbox", c => outbox.RunAsync(session, options.RetryInterval, c), ct),
            Supervise("info", reporting.InfoLoopAsync, ct),
            Supervise("metrics", reporting.MetricsLoopAsync, ct),
            Task.WhenAll(parts)).ConfigureAwait(false);
    }

    private async Task OnboardAsync(DeviceSession session, string serial, string softSerial, CancellationToken ct)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await session.OnboardAsync(serial, softSerial, ct).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is ControllerUnavailableException or ControllerRefusedException or ControllerTrustException)
            {
                _log.LogWarning("onboarding: {Reason}; retrying in {Delay:0} s", e.Message, delay.TotalSeconds);
            }
            await Task.Delay(delay, time, ct).ConfigureAwait(false);
            delay = TimeSpan.FromSeconds(Math.Min(60, delay.TotalSeconds * 2));
        }
    }

    private async Task Supervise(string name, Func<CancellationToken, Task> loop, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await loop(ct).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _log.LogError(e, "agent loop {Loop} failed; restarting it in 5 s", name);
                try { await Task.Delay(TimeSpan.FromSeconds(5), time, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>EVE's soft serial: made once, kept in /persist, so a box without a readable
    /// hardware serial still has a stable name.</summary>
    private string SoftSerial()
    {
        var file = Path.Combine(options.PersistDir, "status", "soft_serial");
        if (File.Exists(file)) return File.ReadAllText(file).Trim();
        var serial = Guid.NewGuid().ToString();
        AtomicFile.WriteText(file, serial + "\n");
        return serial;
    }

    private static string HardwareSerial()
    {
        try
        {
            var s = File.ReadAllText("/sys/class/dmi/id/product_serial").Trim();
            return s is "" or "0" or "Not Specified" or "To Be Filled By O.E.M." ? "" : s;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
