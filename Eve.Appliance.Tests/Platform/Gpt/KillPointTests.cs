using System.Diagnostics;
using System.Globalization;
using Eve.Appliance.Platform.Gpt;

namespace Eve.Appliance.Tests.Platform.Gpt;

/// <summary>Random kill points during the whole on-disk update flow (image write, read-back, state
/// flip, try consumed at boot, commit). After each, the next boot must pick a partition whose
/// content verifies.
///
/// Two kinds, because each is real about a different thing:
/// 1. Truncated writes through a fault-injecting <see cref="IBlockDevice"/> running OUR code (the
///    C# writer, GPT writer, selector): the cut falls at a random byte, so sectors tear anywhere.
///    In-process, so 1,100 points cost a few seconds.
/// 2. SIGKILL of a real writer process: the writes our code issued are recorded and replayed by a
///    python3 process (the appliance executable has no writer entry point to kill yet), split into
///    pieces at random byte positions so a kill can leave a sector half-written, and killed with
///    SIGKILL at a random piece (paced through a pipe, so the point is exact) or after a random
///    delay (asynchronous). Process creation dominates (fork ≈ 15–50 ms on the shared 2-core
///    builders), so the default is 100; EVE_GPT_KILL_TRIALS raises it for a long run.
/// fsync barriers are replayed as no-ops in (2): a SIGKILLed process cannot lose page-cache data,
/// so fsync changes nothing observable there; the loss of unsynced writes at power-off is what
/// <see cref="GptPowerCutTests"/> enumerates exhaustively.</summary>
[TestFixture]
public sealed class KillPointTests
{
    [Test]
    public async Task TruncatedWrites_AtRandomBytes_AlwaysLeaveABootableVerifiedPartition()
    {
        var flow = new UpdateFlowFixture(seed: 7);
        var dry = new RecordingBlockDevice(flow.Base.Clone());
        await flow.RunAsync(dry);
        long total = dry.Ops.Sum(o => o.Data?.Length ?? 0);
        long imageBytes = flow.ImageB.Length;

        var rng = new Random(11);
        var dev = flow.Base.Clone();
        var outcomes = new Dictionary<string, int>();
        const int trials = 1100;
        for (int i = 0; i < trials; i++)
        {
            // Half anywhere, half inside the GPT rewrites (a few KiB after ~384 KiB of image).
            long budget = i % 2 == 0 ? rng.NextInt64(0, total + 1) : rng.NextInt64(imageBytes, total + 1);
            flow.Restore(dev);
            var faulty = new PowerCutBlockDevice(dev, budget);
            try { await flow.RunAsync(faulty); }
            catch (IOException) when (faulty.Cut) { }
            var name = await flow.BootAndVerifyAsync(dev, $"power cut after {budget} of {total} bytes");
            outcomes[name] = outcomes.GetValueOrDefault(name) + 1;
        }
        TestContext.Out.WriteLine($"truncated-write kill points: {trials} over {total} bytes written; boots: " +
            string.Join(", ", outcomes.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
        Assert.That(outcomes.Keys, Is.EquivalentTo(new[] { "IMGA", "IMGB" }), "cuts must land both before and after the commit point");
    }

    [Test]
    public async Task SigkillOfRealWriterProcess_AtRandomPoints_AlwaysLeavesABootableVerifiedPartition()
    {
        int trials = int.TryParse(Environment.GetEnvironmentVariable("EVE_GPT_KILL_TRIALS"), out var n) ? n : 100;
        using var dir = new TempDir("gpt-kill");
        var flow = new UpdateFlowFixture(seed: 3);
        var rec = new RecordingBlockDevice(flow.Base.Clone());
        await flow.RunAsync(rec);
        var disk = dir.File("disk.img");
        await File.WriteAllBytesAsync(disk, flow.Base.Bytes);
        var plan = dir.File("plan.bin");
        await using (var w = new BinaryWriter(File.Create(plan)))
            foreach (var op in rec.Ops)
            {
                if (op.Data == null) { w.Write((byte)'F'); continue; }
                w.Write((byte)'W'); w.Write(op.Offset); w.Write(op.Data.Length); w.Write(op.Data);
            }
        var script = dir.File("writer.py");
        await File.WriteAllTextAsync(script, WriterScript);

        var psi = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-u", script, disk, plan }) psi.ArgumentList.Add(a);
        using var harness = Process.Start(psi)!;
        int pid = harness.Id;
        var stderr = harness.StandardError.ReadToEndAsync();
        int killed = 0, finished = 0;
        var outcomes = new Dictionary<string, int>();
        try
        {
            using var dev = FileBlockDevice.Open(disk, writable: false);
            for (int i = 0; i < trials; i++)
            {
                string mode = i % 3 == 2 ? "timed" : "paced";
                await harness.StandardInput.WriteLineAsync($"{mode} {i}");
                await harness.StandardInput.FlushAsync();
                var reply = await harness.StandardOutput.ReadLineAsync()
                    ?? throw new AssertionException($"writer harness died: {await stderr}");
                var parts = reply.Split(' ');
                if (parts[0] == "killed") killed++; else finished++;
                var name = await flow.BootAndVerifyAsync(dev, $"trial {i} ({mode}): {reply}");
                outcomes[name] = outcomes.GetValueOrDefault(name) + 1;
            }
        }
        finally
        {
            harness.StandardInput.Close();
            if (!harness.WaitForExit(5000)) Process.GetProcessById(pid).Kill();
        }
        TestContext.Out.WriteLine($"SIGKILL kill points: {trials} trials, {killed} writers killed mid-flow, {finished} finished first; boots: " +
            string.Join(", ", outcomes.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}")));
        Assert.That(killed, Is.GreaterThan(trials / 2), "most trials must actually kill the writer mid-flow");
        Assert.That(outcomes.Keys, Is.EquivalentTo(new[] { "IMGA", "IMGB" }));
    }

    // Replays the recorded writes; one forked child per trial, SIGKILLed at a random point.
    private const string WriterScript = """
        import os, sys, random, signal, struct, time
        img, plan_path = sys.argv[1], sys.argv[2]
        data = open(plan_path, 'rb').read()
        ops, i = [], 0
        while i < len(data):
            kind = data[i]; i += 1
            if kind == ord('F'):
                ops.append(None); continue
            off, n = struct.unpack_from('<qi', data, i); i += 12
            ops.append((off, data[i:i + n])); i += n
        fd = os.open(img, os.O_RDWR)
        base = [(off, os.pread(fd, len(b), off)) for (off, b) in (o for o in ops if o)]

        def pieces(rng):
            out, first_small = [], None
            for op in ops:
                if op is None:
                    out.append(None); continue
                off, b = op
                small = len(b) <= 4096
                if small and first_small is None:
                    first_small = len(out)
                pos = 0
                while pos < len(b):
                    step = rng.randint(1, len(b) - pos) if small else rng.randint(4096, 65536)
                    out.append((off + pos, b[pos:pos + step])); pos += step
            return out, first_small

        for line in sys.stdin:
            mode, seed = line.split()
            rng = random.Random(int(seed))
            for off, b in base:
                os.pwrite(fd, b, off)
            pcs, first_small = pieces(rng)
            go_r, go_w = os.pipe(); pr, pw = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(go_w); os.close(pr)
                for p in pcs:
                    if mode == 'paced':
                        os.read(go_r, 1)
                    if p is not None:
                        os.pwrite(fd, p[1], p[0])
                    os.write(pw, b'.')
                os._exit(0)
            os.close(go_r); os.close(pw)
            if mode == 'paced':
                k = rng.randint(0, len(pcs)) if rng.random() < 0.5 else rng.randint(first_small, len(pcs))
                os.write(go_w, b'g' * k)
                got = 0
                while got < k:
                    got += len(os.read(pr, k - got))
            else:
                time.sleep(rng.random() * 0.002)
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            done = 0
            os.set_blocking(pr, False)
            try:
                while True:
                    chunk = os.read(pr, 65536)
                    if not chunk: break
                    done += len(chunk)
            except BlockingIOError:
                pass
            os.close(go_w); os.close(pr)
            killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            print(('killed' if killed else 'finished'), done, len(pcs), flush=True)
        """;
}
