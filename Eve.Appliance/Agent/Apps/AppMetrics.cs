using Eve.Appliance.Platform.Qemu;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Metrics;

namespace Eve.Appliance.Agent.Apps;

/// <summary>Per-app appMetric: cpu and resident memory of the app's QEMU process (what the VM
/// costs the host), and per disk its provisioned and allocated bytes; QMP block stats say whether
/// the guest wrote to it (EVE's appDiskMetric has no I/O counters).</summary>
internal static class AppMetrics
{
    public static void Fill(ZMetricMsg msg, IEnumerable<AppWorker> workers, DateTimeOffset now, Func<VolumeIntent, string>? volumePath = null)
    {
        if (volumePath != null) FillVolumes(msg, workers, volumePath);
        foreach (var w in workers)
        {
            if (w.Vm is not { IsRunning: true } vm) continue;
            var stats = vm.ReadStats();
            var rssMb = (uint)(stats.RssBytes >> 20);
            var allocatedMb = (uint)(w.Intent.MemoryKiB >> 10);
            var m = new appMetric
            {
                AppID = w.Id.ToString(),
                AppName = w.Intent.Name,
                AppVersion = w.Intent.Version,
                Cpu = new appCpuMetric
                {
                    Total = (ulong)stats.CpuTime.TotalSeconds,
                    TotalNs = (ulong)(stats.CpuTime.Ticks * 100),
                    UpTime = w.Record.BootTime is { } boot ? Timestamp.FromDateTimeOffset(boot) : null,
                },
                Memory = new memoryMetric
                {
                    UsedMem = rssMb,
                    AvailMem = allocatedMb > rssMb ? allocatedMb - rssMb : 0,
                    UsedPercentage = allocatedMb == 0 ? 0 : 100.0 * rssMb / allocatedMb,
                    AvailPercentage = allocatedMb == 0 ? 0 : Math.Max(0, 100.0 - 100.0 * rssMb / allocatedMb),
                },
                AppMemory = new AppMemoryMetric { AllocatedMB = allocatedMb, UsedMB = rssMb },
            };
            var blocks = w.BlockStats;
            var i = 0;
            foreach (var disk in vm.Spec.Disks)
            {
                var file = new FileInfo(disk.Path);
                var qdev = $"vdisk{i++}";
                var block = blocks.FirstOrDefault(b => b.Qdev?.Contains(qdev, StringComparison.Ordinal) == true);
                var volume = w.Intent.Volumes.FirstOrDefault(v => disk.Path.Contains(v.Id.ToString(), StringComparison.Ordinal));
                m.Disk.Add(new appDiskMetric
                {
                    Disk = disk.Path,
                    DiskType = disk.Format.ToQemu(),
                    Provisioned = (ulong)Math.Max(volume?.MaxSizeBytes ?? 0, 0),
                    Used = file.Exists ? (ulong)file.Length : 0,
                    Dirty = block is { WriteOperations: > 0 },
                });
            }
            msg.Am.Add(m);
        }
    }

    /// <summary>One ZMetricVolume per volume of every app (running or not), with the guest's I/O when
    /// the volume is a disk of a running VM.</summary>
    private static void FillVolumes(ZMetricMsg msg, IEnumerable<AppWorker> workers, Func<VolumeIntent, string> volumePath)
    {
        var seen = new HashSet<Guid>();
        foreach (var w in workers)
        {
            var disks = w.Vm is { IsRunning: true } vm ? vm.Spec.Disks.Select(d => d.Path).ToList() : [];
            foreach (var v in w.Intent.Volumes)
            {
                if (!seen.Add(v.Id)) continue;
                var path = volumePath(v);
                var index = disks.FindIndex(d => d.Contains(v.Id.ToString("D"), StringComparison.Ordinal));
                var io = index < 0 ? null : w.BlockStats.FirstOrDefault(b => b.Qdev?.Contains($"vdisk{index}", StringComparison.Ordinal) == true);
                msg.Vm.Add(Telemetry.VolumeMetrics.Of(v.Id, v.Name, v.MaxSizeBytes, path, io));
            }
        }
    }
}
