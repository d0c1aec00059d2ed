using Eve.Appliance.Agent.Content;
using Eve.Appliance.Platform.Qemu;
using Org.Lfedge.Eve.Config;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.Apps;

internal sealed partial class AppWorker
{
    private IReadOnlyList<VolumeFile> _volumeFiles = [];

    /// <summary>After an agent restart: a VM the record says runs is taken over, not restarted.</summary>
    private async Task AdoptAsync(CancellationToken ct)
    {
        if (!AppTransitions.HasDomain(_record.State)) return;
        var vm = await _p.Supervisor.AdoptAsync(Spec(_intent, [], []), ct).ConfigureAwait(false);
        if (vm is null)
        {
            // Host rebooted or QEMU died while no agent watched: start over from the content.
            Move(AppEvent.Reset);
            return;
        }
        _vm = vm;
        Log.Step(_p.Log, _intent.Name, $"adopted running VM pid {vm.Pid}");
        Move(AppEvent.Adopted);
    }

    private async Task ReconcileAsync(CancellationToken ct)
    {
        if (_problem is not null) throw new AppRefusedException(_problem);
        var intent = _intent;
        var purge = intent.PurgeCounter != _record.PurgeApplied;
        var changed = intent.DomainFingerprint != _record.PreparedFor;
        if (_vm is not null)
        {
            if (intent.RestartCounter != _record.RestartApplied) await StopAsync($"restart counter {intent.RestartCounter}", ct).ConfigureAwait(false);
            else if (purge) await StopAsync($"purge counter {intent.PurgeCounter}", ct).ConfigureAwait(false);
            else if (!intent.Activate) await StopAsync("deactivated", ct).ConfigureAwait(false);
            else if (changed) await StopAsync("its resources changed", ct).ConfigureAwait(false);
            else return;
        }
        if (purge || changed || _volumeFiles.Count == 0 || _record.State is ZSwState.Initial or ZSwState.Error || !_volumeFiles.All(v => File.Exists(v.Path)))
            await PrepareAsync(intent, purge, ct).ConfigureAwait(false);
        if (!intent.Activate)
        {
            if (_record.State != ZSwState.Halted) Move(AppEvent.Halted);
            return;
        }
        await StartAsync(intent, ct).ConfigureAwait(false);
    }

    private async Task PrepareAsync(AppIntent intent, bool purge, CancellationToken ct)
    {
        if (_record.State != ZSwState.Initial && AppTransitions.Next(_record.State, AppEvent.DownloadStarted) is null) Move(AppEvent.Reset);
        Move(AppEvent.DownloadStarted, r => r with { Error = null, ErrorAt = null });
        var blobs = new Dictionary<Guid, BlobRef>();
        foreach (var content in intent.Volumes.Select(v => v.Content).OfType<ContentIntent>().DistinctBy(c => c.Id))
            blobs[content.Id] = await FetchAsync(content, ct).ConfigureAwait(false);
        Move(AppEvent.Downloaded);
        // The downloader hashed every byte as it streamed and published only a matching blob; this
        // pass checks the stored blob is still there with the size it had.
        Move(AppEvent.VerifyStarted);
        foreach (var (id, blob) in blobs)
            if (_p.Content.Store.TryGet(blob.Sha256) is not { } stored || stored.Size != blob.Size)
                throw new ContentException(ContentErrorKind.NotFound, $"content tree {id}: blob {blob.Sha256} vanished from the store after download; it will be fetched again");
        Move(AppEvent.Verified);
        Move(AppEvent.VolumesCreating);
        var files = new List<VolumeFile>();
        foreach (var v in intent.Volumes)
        {
            _p.Reports.PublishInfo(AppInfoBuilder.Volume(v, ZSwState.CreatingVolume, null, _p.Time.GetUtcNow()), $"volume/{v.Id:D}");
            try
            {
                files.Add(await _p.Volumes.EnsureAsync(v, v.Content is { } c ? blobs[c.Id] : null, purge, ct).ConfigureAwait(false));
            }
            catch (Exception e) when (IsOperationFailure(e))
            {
                _p.Reports.PublishInfo(AppInfoBuilder.Volume(v, ZSwState.Error, e.Message, _p.Time.GetUtcNow()), $"volume/{v.Id:D}");
                throw new InvalidOperationException($"volume '{v.Name}': {e.Message}", e);
            }
            _p.Reports.PublishInfo(AppInfoBuilder.Volume(v, ZSwState.CreatedVolume, null, _p.Time.GetUtcNow(), 100, new FileInfo(files[^1].Path)), $"volume/{v.Id:D}");
        }
        _volumeFiles = files;
        Move(AppEvent.VolumesCreated);
        Move(AppEvent.Installed, r => r with { PreparedFor = intent.DomainFingerprint, PurgeApplied = intent.PurgeCounter });
    }

    private async Task<BlobRef> FetchAsync(ContentIntent content, CancellationToken ct)
    {
        var key = $"contenttree/{content.Id:D}";
        var lastPercent = -1;
        var gate = new Lock();
        var finished = false;
        // Progress<T> posts each report to the thread pool: a late one must not overwrite the final
        // info (latest wins per key), so reports after the end are dropped under the same lock.
        var progress = new Progress<DownloadProgress>(d =>
        {
            lock (gate)
            {
                var percent = d.Percent ?? 0;
                if (finished || (percent / 10 == lastPercent / 10 && percent != 100)) return;
                lastPercent = percent;
                _p.Reports.PublishInfo(AppInfoBuilder.ContentTree(content, ZSwState.DownloadStarted, percent, d.BytesDone, null, _p.Time.GetUtcNow()), key);
            }
        });
        _p.Reports.PublishInfo(AppInfoBuilder.ContentTree(content, ZSwState.DownloadStarted, 0, 0, null, _p.Time.GetUtcNow()), key);
        try
        {
            var blob = await _p.Content.FetchAsync(content, progress, ct).ConfigureAwait(false);
            lock (gate)
            {
                finished = true;
                _p.Reports.PublishInfo(AppInfoBuilder.ContentTree(content, ZSwState.Loaded, 100, blob.Size, null, _p.Time.GetUtcNow(), File.GetLastWriteTimeUtc(blob.Path)), key);
            }
            return blob;
        }
        catch (ContentException e)
        {
            var message = $"content tree '{content.Name}' from {content.Source.GetLeftPart(UriPartial.Path)}: {e.Message}";
            lock (gate)
            {
                finished = true;
                _p.Reports.PublishInfo(AppInfoBuilder.ContentTree(content, ZSwState.Error, 0, 0, message, _p.Time.GetUtcNow()), key);
            }
            throw new ContentException(e.Kind, message, e.IsTransient, e);
        }
    }

    private async Task StartAsync(AppIntent intent, CancellationToken ct)
    {
        if (intent.StartDelay > TimeSpan.Zero && !_delayed)
        {
            Log.Step(_p.Log, intent.Name, $"start delayed by {intent.StartDelay.TotalSeconds:0} s");
            await Task.Delay(intent.StartDelay, _p.Time, ct).ConfigureAwait(false);
            _delayed = true;
        }
        var nics = new List<QemuNic>();
        for (var i = 0; i < intent.Interfaces.Count; i++)
            nics.Add(await _p.Network.AttachAsync(intent.Id, i, intent.Interfaces[i], ct).ConfigureAwait(false)
                     ?? throw new AppRefusedException($"interface '{intent.Interfaces[i].Name}': its network {intent.Interfaces[i].NetworkId} is not ready; waiting"));
        var seed = await CloudInitSeed.EnsureAsync(_p.Runner, _p.Seeds, intent, ct).ConfigureAwait(false);
        var spec = Spec(intent, _volumeFiles, nics, seed);
        if (SerialPassthrough.Missing(intent.SerialPorts) is { } noPort) throw new AppRefusedException($"not started: {noPort}");
        if (HostMemory.Admit(spec, _p.AvailableMemoryKiB()) is { } refusal)
            throw new AppRefusedException($"not started: {refusal}");
        Move(AppEvent.BootStarted);
        _vm = await _p.Supervisor.StartAsync(spec, _p.Accel, ct).ConfigureAwait(false);
        var status = await _vm.Qmp.QueryStatusAsync(ct).ConfigureAwait(false);
        if (!status.Running) throw new QemuStartException($"VM '{intent.Name}' started but QMP reports status '{status.Status}'");
        var crash = _crash;
        _crash = null;
        Move(AppEvent.Booted, r => r with
        {
            BootTime = _p.Time.GetUtcNow(),
            RestartApplied = intent.RestartCounter,
            Error = crash,
            ErrorAt = crash is null ? null : r.ErrorAt,
        });
    }

    private async Task StopAsync(string why, CancellationToken ct)
    {
        if (_vm is not { } vm) return;
        Log.Step(_p.Log, _intent.Name, $"stopping VM pid {vm.Pid}: {why}");
        Move(AppEvent.HaltRequested);
        await vm.StopAsync(_p.Options.PowerdownTimeout, ct).ConfigureAwait(false);
        await vm.DisposeAsync().ConfigureAwait(false);
        _vm = null;
        Move(AppEvent.Halted);
    }

    private QemuDomainSpec Spec(AppIntent intent, IReadOnlyList<VolumeFile> volumes, IReadOnlyList<QemuNic> nics, string? seed = null)
    {
        var kernel = volumes.FirstOrDefault(v => v.Target == Target.Kernel);
        var initrd = volumes.FirstOrDefault(v => v.Target is Target.Initrd or Target.RamDisk);
        return new QemuDomainSpec
        {
            Name = intent.Name,
            Uuid = intent.Id,
            Vcpus = intent.Vcpus,
            MemoryKiB = intent.MemoryKiB,
            // The NoCloud seed goes last, read-only, so the app's own disks keep their order (vda…).
            Disks = [.. volumes.Where(v => v.Target == Target.Disk).Select(v => new QemuDisk(v.Path, v.Format, v.ReadOnly)),
                     .. seed is null ? Array.Empty<QemuDisk>() : [new QemuDisk(seed, QemuImageFormat.Raw, ReadOnly: true)]],
            Nics = nics,
            DirectBoot = kernel is null ? null : new QemuDirectBoot(kernel.Path, initrd?.Path, intent.KernelArgs),
            SerialLogPath = SerialLogPath,
            Vnc = intent.EnableVnc ? new QemuVnc(intent.VncListenAddress, intent.VncDisplay, intent.VncPassword) : null,
            QmpSocketPath = QmpSocketPath,
            PidFilePath = PidFilePath,
            Netns = nics.Any(n => n.Kind == QemuNicKind.Tap) ? _p.Network.Netns : null,
            ExtraArgs = SerialPassthrough.Args(intent.SerialPorts),
        };
    }
}
