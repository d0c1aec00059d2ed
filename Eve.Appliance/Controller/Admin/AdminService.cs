using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Eve.Appliance.Api;
using Eve.Appliance.Controller.Configs;
using Eve.Appliance.Controller.Devices;
using Eve.Appliance.Controller.Telemetry;
using Eve.Appliance.Store;
using Google.Protobuf;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Controller.Admin;

/// <summary>
/// What the operator can do (STYLE §3.1: the service the CLI and the admin endpoints both call).
/// Errors are <see cref="ApiError"/>s with messages that name the object and the rule.
/// </summary>
internal sealed class AdminService(
    DeviceDirectory devices,
    OnboardingService onboarding,
    ConfigService configs,
    TelemetryIngest telemetry,
    ControllerCounters counters,
    Func<string> listen,
    TimeProvider time)
{
    public StatusView Status() => new(listen(), devices.Count, onboarding.List().Count(), counters.Snapshot(), counters.Storage.Describe());

    public OnboardSummary AddOnboarding(OnboardAddRequest req)
    {
        var cert = ParseCert(req.CertPem, "onboarding certificate");
        var doc = onboarding.Add(cert, req.Serials ?? []);
        return Summary(doc);
    }

    public IReadOnlyList<OnboardSummary> ListOnboarding() => onboarding.List().Select(Summary).ToList();

    /// <summary>Pre-registers a device by its device certificate (no onboarding cert needed).</summary>
    public DeviceSummary AddDevice(DeviceAddRequest req)
    {
        var cert = ParseCert(req.CertPem, "device certificate");
        var (doc, _) = devices.Register(cert, req.Serial ?? "", "", "");
        configs.EnsureDefault(doc.Id);
        return Summary(doc);
    }

    public IReadOnlyList<DeviceSummary> ListDevices() => devices.All().Select(Summary).ToList();

    public DeviceSummary GetDevice(string idOrName) => Summary(Resolve(idOrName));

    public void DeleteDevice(string idOrName)
    {
        var doc = Resolve(idOrName);
        devices.Delete(doc.Id);
        configs.Forget(doc.Id);
        telemetry.Forget(doc.Id);
    }

    public ConfigItemView GetConfig(string idOrName)
    {
        var doc = Resolve(idOrName);
        var answer = configs.Get(doc.Id);
        var stored = configs.Stored(doc.Id);
        return new ConfigItemView(answer.Version, answer.Hash, stored?.IsDefault ?? false, Json(answer.Config));
    }

    public ConfigItemView SetConfig(string idOrName, string canonicalJson)
    {
        var doc = Resolve(idOrName);
        EdgeDevConfig config;
        try
        {
            config = ProtoRegistry.CanonicalJsonParser.Parse<EdgeDevConfig>(canonicalJson);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException or InvalidOperationException)
        {
            throw ApiError.BadRequest($"config is not an EdgeDevConfig in canonical protobuf JSON: {e.Message}");
        }
        var answer = configs.Set(doc.Id, config);
        return new ConfigItemView(answer.Version, answer.Hash, false, Json(answer.Config));
    }

    public IReadOnlyList<InfoItem> Info(string idOrName)
    {
        var doc = Resolve(idOrName);
        return telemetry.InfoOf(doc.Id).Select(i => new InfoItem(i.Kind, i.ObjectId, i.ReceivedAt, Decode(i))).ToList();
    }

    public IReadOnlyList<MetricItem> Metrics(string idOrName, int last)
    {
        var doc = Resolve(idOrName);
        return telemetry.MetricsOf(doc.Id, Math.Clamp(last, 1, 10_000))
            .Select(m => new MetricItem(m.At, Json(ZMetricMsg.Parser.ParseFrom(m.Message)))).ToList();
    }

    public IReadOnlyList<InfoHistoryItem> InfoHistory(string idOrName)
    {
        var doc = Resolve(idOrName);
        return telemetry.InfoHistoryOf(doc.Id)
            .Select(h => new InfoHistoryItem(h.Kind, h.ObjectId, h.ReceivedAt, Decode(new InfoDoc { Kind = h.Kind, Message = h.Message }))).ToList();
    }

    /// <summary>A device's series from <paramref name="since"/> (default: the last hour) in the
    /// finest tier that covers it, or the tier asked for.</summary>
    public IReadOnlyList<SeriesPoint> Series(string idOrName, string? since, string? tier, int limit, string? obj = null)
    {
        var doc = Resolve(idOrName);
        var key = doc.Id;
        if (!string.IsNullOrEmpty(obj))
            key = ObjectMetricValues.SeriesKey(doc.Id, ObjectMetricValues.Parse(obj)
                ?? throw ApiError.BadRequest($"object '{obj}': expected app/UUID, ni/UUID or vol/UUID"));
        var now = time.GetUtcNow().UtcDateTime;
        var from = SinceParser.Parse(since, now) ?? now.AddHours(-1);
        tier ??= telemetry.Series.TierFor(from);
        if (tier is not (MetricSeries.Raw or MetricSeries.Minute or MetricSeries.Hour))
            throw ApiError.BadRequest($"tier '{tier}': expected raw, minute or hour");
        return telemetry.Series.Points(key, tier, from, Math.Clamp(limit, 1, 20_000))
            .Select(p => new SeriesPoint(p.At, p.Tier, p.Count,
                p.Names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => p.Sums[x.i] / p.Counts[x.i], StringComparer.Ordinal)))
            .ToList();
    }

    public IReadOnlyList<LogItem> Logs(string idOrName, string? app, string? level, string? since, string? text, long afterId, int limit)
    {
        var doc = Resolve(idOrName);
        if (level != null && !LogQuery.IsKnownLevel(level))
            throw ApiError.BadRequest($"level '{level}': expected one of trace, debug, info, notice, warning, error, fatal, panic");
        var query = new LogQuery(NullIfEmpty(app), NullIfEmpty(level), SinceParser.Parse(since, time.GetUtcNow().UtcDateTime),
            NullIfEmpty(text), afterId, Math.Clamp(limit, 1, 10_000));
        return telemetry.LogsOf(doc.Id, query)
            .Select(l => new LogItem(l.Id, l.At, l.AppId, l.Severity, l.Source, l.Content)).ToList();
    }

    /// <summary>Prometheus text for every device and the controller's counters.</summary>
    public string PrometheusMetrics() => PrometheusText.Render(devices.All(), telemetry.Series, counters, time.GetUtcNow().UtcDateTime,
        id => telemetry.MetricsOf(id, 1).Select(m => ZMetricMsg.Parser.ParseFrom(m.Message)).FirstOrDefault());

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private DeviceDoc Resolve(string idOrName)
    {
        var doc = devices.Get(idOrName.ToLowerInvariant());
        if (doc != null) return doc;
        var matches = devices.All().Where(d => d.Name == idOrName || d.Serial == idOrName || d.Id.StartsWith(idOrName, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw ApiError.NotFound($"no device '{idOrName}' (see `ctl devices`)"),
            _ => throw ApiError.BadRequest($"'{idOrName}' matches {matches.Count} devices; use the full id"),
        };
    }

    private DeviceSummary Summary(DeviceDoc d)
    {
        var stored = configs.Stored(d.Id);
        return new DeviceSummary(d.Id, d.Name, d.Serial, d.SoftSerial, d.RegisteredAt,
            d.LastSeenAt == default ? null : d.LastSeenAt, stored?.Version ?? 0, stored?.IsDefault ?? false, d.CertHashHex);
    }

    private static OnboardSummary Summary(OnboardDoc o)
    {
        using var cert = X509Certificate2.CreateFromPem(o.CertPem);
        return new OnboardSummary(o.Id, cert.Subject, o.Serials, o.AddedAt);
    }

    private static X509Certificate2 ParseCert(string pem, string what)
    {
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw ApiError.BadRequest($"{what} is not a PEM certificate: {e.Message}");
        }
    }

    private static JsonNode? Decode(InfoDoc doc)
    {
        IMessage message = doc.Kind switch
        {
            "flowlog" => Org.Lfedge.Eve.Flowlog.FlowMessage.Parser.ParseFrom(doc.Message),
            "hardwarehealth" => Org.Lfedge.Eve.Hardwarehealth.ZHardwareHealth.Parser.ParseFrom(doc.Message),
            _ => ZInfoMsg.Parser.ParseFrom(doc.Message),
        };
        return Json(message);
    }

    private static JsonNode? Json(IMessage message) => JsonNode.Parse(ProtoRegistry.CanonicalJson.Format(message));
}
