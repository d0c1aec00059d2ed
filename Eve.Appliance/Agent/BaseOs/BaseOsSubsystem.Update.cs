using System.Globalization;
using Eve.Appliance.Agent.Config;
using Eve.Appliance.Agent.Content;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;
using S = Eve.Appliance.Agent.BaseOs.EvePartitionState;

namespace Eve.Appliance.Agent.BaseOs;

internal sealed partial class BaseOsSubsystem
{
    private async Task FollowAsync(DesiredState state, CancellationToken ct)
    {
        if (_context.Maintenance is { Active: true } maintenance)
        {
            // EVE holds base-OS changes in maintenance mode: the operator is working on the box.
            // The counters are looked at again when it ends (the config is re-published then).
            if (state.Config.Baseos is { ContentTreeUuid: not "" } held && held.BaseOsVersion != _currentVersion)
            {
                _report!.Error($"base-OS update to {held.BaseOsVersion} held: the device is in maintenance mode ({maintenance.Describe()})");
                _log.LogInformation("base-OS update held in maintenance mode");
            }
            return;
        }
        if (await ForceFallbackAsync(state, ct).ConfigureAwait(false)) return;
        var b = state.Config.Baseos;
        if (b == null || b.ContentTreeUuid == "") return;
        if (_slots.Current == S.InProgress) return; // the test window decides first
        uint retry = b.RetryUpdate?.Counter ?? 0;
        string wanted = b.BaseOsVersion;
        if (wanted != "" && wanted == _currentVersion)
        {
            _report!.Set(BaseOsStatus.Updated);
            _report.Error(null);
            return;
        }
        if (wanted != "" && _memory.IsRefused(wanted, retry))
        {
            _report!.Set(BaseOsStatus.Failed);
            _report.Error(Refused(wanted, retry));
            return;
        }
        if (wanted != "" && _memory.HasFailed(wanted))
        {
            _log.LogInformation("retry_update.counter is now {Counter}: version {Version} may be tried again", retry, wanted);
            _memory.Forget(wanted);
            if (_slots.Other == S.InProgress && _otherVersion == wanted)
            {
                var t = BaseOsTransitions.Next(_slots, BaseOsEvent.RetryUpdate);
                if (t.Refused) throw new InvalidOperationException(t.Refusal);
                _memory.SetStaged(wanted, retry);
                await ApplyAsync(t, ct).ConfigureAwait(false);
                await RebootAsync(BootReason.Update, $"retrying the update to {wanted} (retry_update.counter {retry})", ct).ConfigureAwait(false);
                return;
            }
        }
        if (_slots.Other == S.Updating)
        {
            if (_otherVersion == wanted) return; // staged; the reboot is under way
            await ApplyAsync(BaseOsTransitions.Next(_slots, BaseOsEvent.DiscardOther), ct).ConfigureAwait(false);
        }
        await StageAsync(state, b.ContentTreeUuid, wanted, retry, b.Activate, ct).ConfigureAwait(false);
    }

    private string Refused(string version, uint retry) =>
        string.Create(CultureInfo.InvariantCulture, $"version {version} failed on this device") +
        (_memory.LastFailure is { } why ? $" ({why})" : "") +
        string.Create(CultureInfo.InvariantCulture, $"; it is refused until baseos.retry_update.counter changes (now {retry})");

    /// <summary>force.fallback.counter: the first value seen is a baseline; a change boots the
    /// other partition's (previous) image on trial.</summary>
    private async Task<bool> ForceFallbackAsync(DesiredState state, CancellationToken ct)
    {
        int counter = state.ItemInt("force.fallback.counter", 0);
        if (_memory.ForceFallbackCounter is not { } seen)
        {
            _memory.SetForceFallbackCounter(counter);
            return false;
        }
        if (counter == seen) return false;
        _memory.SetForceFallbackCounter(counter);
        var t = BaseOsTransitions.Next(_slots, BaseOsEvent.ForceFallback);
        if (t.Refused)
        {
            _report!.Error($"force.fallback.counter changed to {counter} but the device cannot fall back: {t.Refusal}");
            return true;
        }
        if (_otherVersion == "")
        {
            _report!.Error($"force.fallback.counter changed to {counter} but {_other} holds no readable image to fall back to");
            return true;
        }
        uint retry = state.Config.Baseos?.RetryUpdate?.Counter ?? 0;
        // The version rolled back from is refused like a failed one, or the next config epoch
        // (which still names it) would install it again.
        _memory.MarkFailed(_currentVersion, retry, $"rolled back on purpose: force.fallback.counter changed to {counter}");
        _memory.SetStaged(_otherVersion, retry);
        await ApplyAsync(t, ct).ConfigureAwait(false);
        await RebootAsync(BootReason.Fallback, $"forced fallback to {_otherVersion} in {_other} (force.fallback.counter {counter})", ct).ConfigureAwait(false);
        return true;
    }

    private async Task StageAsync(DesiredState state, string treeUuid, string wanted, uint retry, bool activate, CancellationToken ct)
    {
        var (request, cas, tree) = BaseOsImageSource.Resolve(state.Config, treeUuid);
        _log.LogInformation("base-OS: downloading {Tree} from {Source}", tree.DisplayName, request.Display);
        _report!.Set(BaseOsStatus.Downloading, BaseOsSubStatus.DownloadInprogress, $"downloading {tree.DisplayName} from {request.Display}");
        _report.Error(null);
        _context.Reports.DeviceInfoChanged();
        using var http = DatastoreHttpClient.Create(cas);
        var downloader = new Downloader(new BlobStore(options.BlobDir ?? Path.Combine(_context.Options.PersistDir, "baseos", "blobs")),
            http, options.Download, _context.Time);
        var progress = new Progress<DownloadProgress>(p =>
        {
            _beat?.Beat();
            _report.Set(BaseOsStatus.Downloading, BaseOsSubStatus.DownloadInprogress, $"downloading {tree.DisplayName}",
                p.BytesTotal is > 0 and var total ? (uint)(p.BytesDone * 100 / total) : 0);
        });
        var blob = await downloader.DownloadAsync(request, progress, ct).ConfigureAwait(false);
        if (!activate)
        {
            _report.Set(BaseOsStatus.DownloadDone, text: $"{tree.DisplayName} downloaded and verified; set activate to install it");
            return;
        }

        _log.LogInformation("base-OS: writing {Tree} (sha256 {Sha}) to {Partition}", tree.DisplayName, blob.Sha256, _other);
        _report.Set(BaseOsStatus.Updating, BaseOsSubStatus.UpdateInitializing, $"writing {tree.DisplayName} to {_other}");
        _context.Reports.DeviceInfoChanged();
        PartitionWriteResult written;
        await using (var image = File.OpenRead(blob.Path))
            written = await new PartitionWriter(_context.Time).WriteAsync(_dev, _other, image, blob.Sha256, ct, () => _beat?.Beat()).ConfigureAwait(false);
        var version = await versions.ReadAsync(_dev, _other, ct).ConfigureAwait(false);
        _otherVersion = version;
        _report.OtherVersion(version);
        _log.LogInformation("wrote {Version} ({Bytes} bytes, sha256 {Sha}) to {Partition} at {MBps:0} MB/s",
            version, written.Bytes, written.Sha256, _other, written.WriteMBps);
        if (wanted != "" && version != wanted)
            throw new InvalidDataException($"content tree {tree.Uuid} ({tree.DisplayName}) holds version {version} (its /{ImageVersionReader.VersionFile}), " +
                $"but baseos.base_os_version asks for {wanted}; not activating it. Fix the content tree or the version in the config");
        if (version == _currentVersion)
        {
            _report.Set(BaseOsStatus.Updated, text: $"{version} is already running");
            return;
        }
        if (_memory.IsRefused(version, retry))
        {
            _report.Set(BaseOsStatus.Failed);
            _report.Error(Refused(version, retry));
            return;
        }
        var t = BaseOsTransitions.Next(_slots, BaseOsEvent.ImageWritten);
        if (t.Refused) throw new InvalidOperationException(t.Refusal);
        _memory.SetStaged(version, retry);
        await ApplyAsync(t, ct).ConfigureAwait(false);
        await RebootAsync(BootReason.Update, $"base image update {_currentVersion} -> {version}", ct).ConfigureAwait(false);
    }
}
