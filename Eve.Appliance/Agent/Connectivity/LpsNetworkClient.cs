using System.Globalization;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Profile;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>The device side of EVE's LPS network endpoint: every <see cref="Interval"/> it POSTs
/// <c>NetworkInfo</c> to <c>http://LPS/api/v1/network</c> (the controller's <c>local_profile_server</c>,
/// port 8888 unless given) and acts on the answer as PROFILE.md says — 200 with a <c>LocalNetworkConfig</c>
/// carrying the right <c>profile_server_token</c>: the merged "lps" DPC goes to the driver (applied, tested
/// and fallen back from like any DPC); 204: keep what is in force; 404, or the controller clearing the LPS:
/// the local config is withdrawn. An LPS that does not answer changes nothing.</summary>
internal sealed class LpsNetworkClient(ConnectivityDriver driver, HttpClient http, Func<IReadOnlyDictionary<string, PortState>> ports,
    TimeProvider time, ILogger logger)
{
    private volatile Target? _target;
    private LocalNetworkConfig? _local;
    private List<string> _errors = [];

    private sealed record Target(Uri? Lps, string Token, DevicePortConfig? ControllerDpc);

    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The LPS errors of the last answer (wrong token, ports the controller keeps for itself).</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>From every controller config: where the LPS is, its token and the controller's DPC.</summary>
    public void Update(string? localProfileServer, string? token, DevicePortConfig? controllerDpc) =>
        _target = new Target(LpsUri(localProfileServer), token ?? "", controllerDpc);

    /// <summary><c>host</c>, <c>host:port</c> or a URL; EVE's default port is 8888.</summary>
    public static Uri? LpsUri(string? server)
    {
        if (string.IsNullOrWhiteSpace(server)) return null;
        var text = server.Contains("://", StringComparison.Ordinal) ? server : "http://" + server;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)) return null;
        var authority = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..].Split('/')[0];
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        var explicitPort = authority.LastIndexOf(':') > authority.LastIndexOf(']');
        return explicitPort ? uri : new UriBuilder(uri) { Port = 8888 }.Uri;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await RoundAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidProtocolBufferException
                                          || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                // An LPS that is down leaves the local config in force (PROFILE.md).
                logger.LogDebug("local profile server network endpoint: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }

    /// <summary>One POST and what follows from its answer.</summary>
    public async Task RoundAsync(CancellationToken ct)
    {
        var target = _target;
        if (target?.Lps == null || target.ControllerDpc == null)
        {
            Withdraw(target?.Lps == null ? "no local profile server configured" : null);
            return;
        }
        var report = LocalNetworkMerge.Report(driver.State, target.ControllerDpc, ports(), _local, _errors);
        using var content = new ByteArrayContent(report.ToByteArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-proto-binary");
        using var resp = await http.PostAsync(new Uri(target.Lps, "/api/v1/network"), content, ct).ConfigureAwait(false);
        switch ((int)resp.StatusCode)
        {
            case 200:
                var local = LocalNetworkConfig.Parser.ParseFrom(await resp.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false));
                if (local.ServerToken != target.Token)
                {
                    _errors = ["the local profile server's answer carries a token other than profile_server_token: ignored"];
                    logger.LogWarning("local profile server {Lps}: network config with a wrong token ignored", target.Lps);
                    return;
                }
                Take(local, target.ControllerDpc);
                break;
            case 204:
                // Keep what is in force, but follow a new controller DPC underneath it.
                if (_local != null) Take(_local, target.ControllerDpc);
                break;
            case 404:
                Withdraw("the local profile server has no network config (404)");
                break;
            default:
                logger.LogInformation("local profile server {Lps}: /api/v1/network answered {Status}", target.Lps, (int)resp.StatusCode);
                break;
        }
    }

    private void Take(LocalNetworkConfig local, DevicePortConfig controllerDpc)
    {
        var errors = new List<string>();
        var dpc = LocalNetworkMerge.Merge(controllerDpc, local, time.GetUtcNow(), errors);
        _local = local;
        _errors = errors;
        if (errors.Count > 0) logger.LogWarning("local network config: {Errors}", string.Join("; ", errors));
        if (dpc == null)
        {
            Withdraw(null);
            return;
        }
        // The same ports again changes nothing (the manager compares the ports, not the time).
        if (driver.State.List.FirstOrDefault(d => d.Key == DevicePortConfig.LocalOperatorKey) is { } known && known.SameConfigAs(dpc)) return;
        logger.LogInformation("local network config from the local profile server: {Ports} port(s), DPC {Dpc}",
            local.Ports.Count.ToString(CultureInfo.InvariantCulture), dpc);
        driver.Post(new DpcEvent.Received(dpc));
    }

    private void Withdraw(string? why)
    {
        _local = null;
        if (why != null) _errors = [];
        if (driver.State.List.Any(d => d.Key == DevicePortConfig.LocalOperatorKey))
        {
            logger.LogInformation("local network config withdrawn: {Why}", why ?? "no port taken");
            driver.Post(new DpcEvent.Removed(DevicePortConfig.LocalOperatorKey));
        }
    }
}
