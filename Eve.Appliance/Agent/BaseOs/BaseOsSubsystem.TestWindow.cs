using System.Globalization;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Agent.BaseOs;

internal sealed partial class BaseOsSubsystem
{
    /// <summary>The new image's trial: every <see cref="BaseOsOptions.GateInterval"/> all gates are
    /// checked. It commits when they have held for the whole test window without a break (a failing
    /// check restarts the window), and falls back when some gate has failed without a break for
    /// timer.update.fallback.no.network. A power cut or crash in between also falls back, because
    /// GRUB does not boot an inprogress partition again.</summary>
    private async Task TestWindowAsync(CancellationToken ct)
    {
        var time = _context.Time;
        var cfg = _context.Hub.Current;
        var window = options.TestWindow ?? TimeSpan.FromSeconds(cfg?.ItemInt("timer.test.baseimage.update", 600) ?? 600);
        var fallback = options.FallbackTimeout ?? TimeSpan.FromSeconds(cfg?.ItemInt("timer.update.fallback.no.network", 300) ?? 300);
        var checks = gates(_context);
        _log.LogInformation("testing {Version}: {Window} s window, fallback after {Fallback} s of failing gates ({Gates})",
            _currentVersion, window.TotalSeconds, fallback.TotalSeconds, string.Join(", ", checks.Select(g => g.Name)));
        long okSince = time.GetTimestamp();
        long? failingSince = null;
        using var timer = new PeriodicTimer(options.GateInterval, time);
        do
        {
            var problems = new List<string>();
            foreach (var g in checks)
            {
                try
                {
                    if (await g.CheckAsync(ct).ConfigureAwait(false) is { } p) problems.Add($"{g.Name}: {p}");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    problems.Add($"{g.Name}: the check itself failed: {e.Message}");
                }
            }
            long now = time.GetTimestamp();
            if (problems.Count == 0)
            {
                failingSince = null;
                var passed = time.GetElapsedTime(okSince, now);
                if (passed >= window)
                {
                    await CommitAsync(window, ct).ConfigureAwait(false);
                    return;
                }
                _report!.Error(null);
                _report.Set(BaseOsStatus.Updating, BaseOsSubStatus.UpdateTesting,
                    string.Create(CultureInfo.InvariantCulture, $"testing: healthy for {passed.TotalSeconds:0} s of {window.TotalSeconds:0} s"),
                    (uint)Math.Ceiling((window - passed).TotalSeconds)); // seconds left
            }
            else
            {
                okSince = now;
                failingSince ??= now;
                var failing = time.GetElapsedTime(failingSince.Value, now);
                var text = string.Join("; ", problems);
                _report!.Error(string.Create(CultureInfo.InvariantCulture, $"health gates failing for {failing.TotalSeconds:0} s (fallback after {fallback.TotalSeconds:0} s): {text}"));
                if (failing >= fallback)
                {
                    if (await FallBackAsync(text, ct).ConfigureAwait(false)) return;
                }
            }
            _context.Reports.DeviceInfoChanged();
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }

    private async Task CommitAsync(TimeSpan window, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var t = BaseOsTransitions.Next(_slots, BaseOsEvent.TestPassed);
            if (t.Refused) throw new InvalidOperationException(t.Refusal);
            await ApplyAsync(t, ct).ConfigureAwait(false);
            _log.LogInformation("committed {Version} in {Partition}: the gates held for {Window} s", _currentVersion, _current, window.TotalSeconds);
            _report!.Error(null);
            _report.Set(BaseOsStatus.Updated, text: $"{_currentVersion} committed");
        }
        finally
        {
            _lock.Release();
        }
        _context.Reports.DeviceInfoChanged();
    }

    /// <summary>Returns false when there is nothing to fall back to (both partitions on trial).</summary>
    private async Task<bool> FallBackAsync(string problems, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var t = BaseOsTransitions.Next(_slots, BaseOsEvent.TestFailed);
            if (t.Refused)
            {
                _report!.Error($"{t.Refusal}; gates failing: {problems}");
                return false;
            }
            var why = $"{_currentVersion} failed its test window: {problems}";
            _memory.MarkFailed(_currentVersion, _memory.Staged?.RetryCounter ?? 0, why);
            _report!.Set(BaseOsStatus.Fallback);
            await RebootAsync(BootReason.Fallback, $"fallback to {_otherVersion} in {_other}: {why}", ct).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }
}
