using System.Diagnostics;
using System.Globalization;
using Eve.Appliance.Agent.Telemetry.Logs;
using Eve.Appliance.Api.NewLogs;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Bench;

/// <summary>The real kill -9 test of the log spool: a child process appends numbered lines to a spool and
/// acknowledges each accepted line on stdout; the parent SIGKILLs it at a random moment (mid-write,
/// mid-pack, mid-recovery), starts the next child on the same folder, and at the end checks that every
/// acknowledged line of every run is in the chunks exactly once and nothing is duplicated.</summary>
internal static class LogSpoolKillDrill
{
    /// <summary>Child side: append "run-line" lines for ever, printing each accepted line number.</summary>
    public static void RunChild(string dir, string run, TextWriter ack)
    {
        using var writer = LogSegmentWriter.Open(Options(dir));
        for (var n = 0L; ; n++)
        {
            writer.Append(new LogEntry
            {
                Severity = "info", Source = "killdrill", Content = $"{run}-{n}",
                Timestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            });
            ack.WriteLine(n.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Parent side. <paramref name="childCommand"/> gives the command line that runs
    /// <see cref="RunChild"/> for (dir, run). Returns true when no acknowledged line was lost or doubled.</summary>
    public static bool Run(TextWriter output, Func<string, string, (string File, IReadOnlyList<string> Args)> childCommand,
        int iterations, int seed = 1)
    {
        var dir = Directory.CreateTempSubdirectory("killdrill-").FullName;
        var random = new Random(seed);
        var acked = new Dictionary<string, long>();
        var byTimeKills = 0;
        try
        {
            for (var i = 0; i < iterations; i++)
            {
                var run = $"r{i:D3}";
                var (file, args) = childCommand(dir, run);
                var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in args) psi.ArgumentList.Add(a);
                using var child = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
                // Mostly kill after a random number of lines; one run in four at a random time instead,
                // which can land in start-up recovery or packing of what the previous kill left.
                var byTime = random.Next(4) == 0;
                var target = byTime ? long.MaxValue : random.Next(1, 20_000);
                long last = -1;
                if (byTime) Thread.Sleep(random.Next(1000, 12_000)); // the child host may take seconds to start
                else
                {
                    while (last + 1 < target && child.StandardOutput.ReadLine() is { } line) last = long.Parse(line, CultureInfo.InvariantCulture);
                }
                // SIGKILL to the whole tree: a launcher (dotnet muxer, a script host) may have forked the
                // real writer, and a surviving grandchild would keep writing beside the next run.
                child.Kill(entireProcessTree: true);
                child.WaitForExit();
                // Every number the child printed was accepted before the kill, including those still in the pipe.
                while (child.StandardOutput.ReadLine() is { } rest) last = Math.Max(last, long.Parse(rest, CultureInfo.InvariantCulture)); // a torn last number is smaller
                if (!byTime && last + 1 < target)
                    throw new InvalidOperationException($"kill drill child {run} died early after {last + 1} lines: {child.StandardError.ReadToEnd()}");
                acked[run] = last;
                if (byTime) byTimeKills++;
            }
            // The last start recovers whatever the last kill left.
            var options = Options(dir);
            LogSegmentWriter.Open(options).Dispose();
            var seen = new Dictionary<string, List<long>>();
            var queue = new LogUploadQueue(options, TimeProvider.System);
            foreach (var chunk in queue.ListPending())
            {
                foreach (var e in NewLogsCodec.Decode(File.ReadAllBytes(chunk.Path)).Entries)
                {
                    var dash = e.Content.IndexOf('-');
                    var run = e.Content[..dash];
                    if (!seen.TryGetValue(run, out var list)) seen[run] = list = [];
                    list.Add(long.Parse(e.Content[(dash + 1)..], CultureInfo.InvariantCulture));
                }
            }
            long missing = 0, duplicated = 0, unackedKept = 0, total = 0;
            foreach (var (run, last) in acked)
            {
                var list = seen.GetValueOrDefault(run) ?? [];
                total += last + 1;
                duplicated += list.Count - list.Distinct().Count();
                var set = list.ToHashSet();
                for (var n = 0L; n <= last; n++) if (!set.Contains(n)) missing++;
                unackedKept += set.Count(n => n > last);
            }
            output.WriteLine($"  kill -9 drill: {iterations} kills, {total:N0} acknowledged lines, {missing} missing, {duplicated} duplicated, " +
                $"{unackedKept} accepted-but-unacknowledged lines also kept, {queue.ListPending().Count} chunks, {byTimeKills} kills at a random time");
            return missing == 0 && duplicated == 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static LogSpoolOptions Options(string dir) => new()
    {
        Directory = dir, Meta = new LogBundleMeta("5d0767ee-0547-4569-b530-387e526f8cb9", "IMGA", "killdrill"),
        MaxSegmentBytes = 32 * 1024, TickPeriod = null, QuotaBytes = 1L << 40,
    };
}
