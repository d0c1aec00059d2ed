using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.ObjectCrypto;

/// <summary>
/// Tells the controller, in the info slot EVE has for each, that an encrypted secret arrived for a
/// feature this device lacks, instead of ignoring it: Wi-Fi and cellular on the port's
/// ZInfoNetwork.networkErr, SCEP as an enrolled cert with an error, a patch envelope as
/// ZInfoPatchEnvelope in PATCH_ERROR, a cluster as ZInfoKubeClusterUpdateStatus with an error.
/// Recomputed on every config.
/// </summary>
internal sealed class UnsupportedSecretsSubsystem : IAgentSubsystem
{
    private readonly Lock _lock = new();
    private IReadOnlyList<UnsupportedSecret> _current = [];
    private DateTimeOffset _at;

    public string Name => "unsupported-secrets";

    public IReadOnlyList<UnsupportedSecret> Current
    {
        get
        {
            lock (_lock) return _current;
        }
    }

    public async Task RunAsync(AgentContext context, CancellationToken ct)
    {
        var log = context.Loggers.CreateLogger("ObjectCrypto");
        context.Reports.AddDeviceInfo(Contribute);
        var updates = context.Hub.Subscribe();
        while (!ct.IsCancellationRequested)
        {
            if (context.Hub.Current is { } desired) Apply(UnsupportedSecrets.Find(desired.Config, context.Decryptor), context.Reports, context.Time.GetUtcNow(), log);
            await updates.ReadAsync(ct).ConfigureAwait(false);
        }
    }

    internal void Apply(IReadOnlyList<UnsupportedSecret> found, IReportSink reports, DateTimeOffset now, ILogger log)
    {
        bool changed;
        lock (_lock)
        {
            changed = !_current.SequenceEqual(found);
            _current = found;
            if (changed) _at = now;
        }
        if (!changed) return;
        foreach (var f in found) log.LogWarning("{Message}", f.Message);
        foreach (var f in found)
        {
            switch (f.Kind)
            {
                case UnsupportedSecretKind.PatchEnvelope:
                    var envelope = new ZInfoPatchEnvelope { Id = f.Object, Name = f.Object, State = EVE_PATCH_ENVELOPE_STATE.PatchError };
                    envelope.Errors.Add(f.Message);
                    reports.PublishInfo(new ZInfoMsg { Ztype = ZInfoTypes.ZiPatchEnvelope, PatchInfo = envelope }, $"patch/{f.Object}");
                    break;
                case UnsupportedSecretKind.Cluster:
                    reports.PublishInfo(new ZInfoMsg
                    {
                        Ztype = ZInfoTypes.ZiKubeClusterUpdateStatus,
                        ClusterUpdateInfo = new ZInfoKubeClusterUpdateStatus { ClusterId = f.Object, Error = Error(f.Message, now) },
                    }, "cluster");
                    break;
            }
        }
        reports.DeviceInfoChanged();
    }

    internal void Contribute(ZInfoDevice info)
    {
        IReadOnlyList<UnsupportedSecret> found;
        DateTimeOffset at;
        lock (_lock) (found, at) = (_current, _at);
        foreach (var f in found)
        {
            switch (f.Kind)
            {
                case UnsupportedSecretKind.Wifi or UnsupportedSecretKind.Cellular:
                    var net = info.Network.FirstOrDefault(n => n.LocalName == f.Object);
                    if (net == null) info.Network.Add(net = new ZInfoNetwork { LocalName = f.Object, DevName = f.Object });
                    net.NetworkErr = Error(net.NetworkErr is { Description.Length: > 0 } e ? e.Description + "; " + f.Message : f.Message, at);
                    break;
                case UnsupportedSecretKind.Scep:
                    info.EnrolledCerts.Add(new CertInfo { CertEnrollmentProfileName = f.Object, Status = CertStatus.Unspecified, Err = Error(f.Message, at) });
                    break;
            }
        }
    }

    private static ErrorInfo Error(string message, DateTimeOffset at) =>
        new() { Description = message, Severity = Severity.Warning, Timestamp = Timestamp.FromDateTimeOffset(at) };
}
