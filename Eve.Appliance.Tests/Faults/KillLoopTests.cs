using System.Net;
using System.Text.Json.Nodes;
using Eve.Appliance.Api.Envelope;
using Eve.Appliance.Api.NewLogs;
using Eve.Appliance.Cli;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Logs;

namespace Eve.Appliance.Tests.Faults;

/// <summary>
/// kill -9 of the whole appliance (`run`: controller and its own agent) at random points while
/// devices onboard, post info and logs and the operator changes configs, many times over the same
/// data folder. After every kill the store must open, and nothing that was acknowledged may be
/// missing: no onboarded device, no config version, no log line; and no log line stored twice.
/// The suite runs a few iterations; `make faults` runs EVE_FAULT_ITERATIONS (100) of them.
/// </summary>
[TestFixture]
public sealed class KillLoopTests
{
    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("EVE_FAULT_ITERATIONS"), out var n) && n > 0 ? n : 4;

    [Test]
    public async Task Kill9_AtRandomPointsUnderLoad_LosesNothingAcknowledged()
    {
        using var dir = new TempDir("killloop");
        var data = dir.Sub("data");
        var port = ApplianceProcess.FreePort();
        var uri = new Uri($"https://127.0.0.1:{port}/");
        var random = new Random(Environment.TickCount);
        var ledger = new AcknowledgedLedger();
        var devices = new List<TestDevice>();
        var report = new List<string>();
        try
        {
            for (var iteration = 0; iteration < Iterations; iteration++)
            {
                using var appliance = ApplianceProcess.Start("run", "--data-dir", data, "--listen", $"127.0.0.1:{port}");
                await WaitUpAsync(data, appliance);
                // Everything acknowledged by the previous incarnations must be here before we add more.
                await ledger.VerifyAsync(data, devices);

                var newcomer = new TestDevice(uri, Path.Combine(data, "bootstrap"), $"SN-kill-{iteration}");
                devices.Add(newcomer);
                using var stop = new CancellationTokenSource();
                var load = devices.Select(d => Task.Run(() => DeviceLoadAsync(d, ledger, stop.Token)))
                    .Append(Task.Run(() => OperatorLoadAsync(data, devices, ledger, stop.Token)))
                    .ToList();
                // A random point: every other iteration soon after start-up, the others only once
                // this round's load is being acknowledged (so writes are surely in flight).
                if (iteration % 2 == 1)
                {
                    var before = ledger.Total;
                    await Eventually.WaitAsync(() => ledger.Total >= before + 3, () => "load acknowledged: " + appliance.Output, 120);
                }
                var delay = TimeSpan.FromMilliseconds(random.Next(0, 1500));
                await Task.Delay(delay);
                appliance.Kill9();
                stop.Cancel();
                await Task.WhenAll(load);
                report.Add($"{iteration}: killed {(iteration % 2 == 1 ? "under load" : "after start")} +{delay.TotalMilliseconds:F0} ms, {ledger.Describe()}");
            }
            using (var last = ApplianceProcess.Start("run", "--data-dir", data, "--listen", $"127.0.0.1:{port}"))
            {
                await WaitUpAsync(data, last);
                await ledger.VerifyAsync(data, devices);
                await last.StopAsync();
            }
            TestContext.Out.WriteLine($"{Iterations} kills; " + ledger.Describe());
            foreach (var line in report) TestContext.Out.WriteLine(line);
            Assert.That(ledger.Onboarded, Is.GreaterThan(0), "the load never got a device onboarded: the test proved nothing");
        }
        finally
        {
            foreach (var d in devices) d.Dispose();
        }
    }

    private static async Task WaitUpAsync(string data, ApplianceProcess appliance)
    {
        var socket = Path.Combine(data, "run", "admin.sock");
        await Eventually.WaitAsync(() => File.Exists(socket), () => "appliance up: " + appliance.Output, 120);
        using var admin = new AdminClient(data);
        await Eventually.WaitAsync(async () => await admin.GetAsync("admin/status") != null, () => "admin answers: " + appliance.Output, 120);
    }

    /// <summary>One device: onboard if not yet, then info and one log line per round, each numbered.</summary>
    private static async Task DeviceLoadAsync(TestDevice d, AcknowledgedLedger ledger, CancellationToken stop)
    {
        try
        {
            if (d.Id == null)
            {
                await d.OnboardAsync();
                ledger.DeviceOnboarded(d.Id!);
            }
            while (!stop.IsCancellationRequested)
            {
                var n = ledger.NextSequence(d.Id!);
                var info = new ZInfoMsg { Ztype = ZInfoTypes.ZiDevice, DevId = d.Id, Dinfo = new ZInfoDevice { Ncpu = n } };
                var r = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/info", d.Envelope(info));
                if (r.Status == HttpStatusCode.Created) ledger.InfoAcknowledged(d.Id!, n);
                var line = new LogEntry { Severity = "info", Source = "killloop", Content = LogText(d.Id!, n), Timestamp = Timestamp.FromDateTime(DateTime.UtcNow) };
                var gz = NewLogsCodec.EncodeDevice(new LogBundleMeta(d.Id!, "IMGA", "1.0"), [line], DateTimeOffset.UtcNow);
                r = await d.PostAsync($"/api/v2/edgedevice/id/{d.Id}/newlogs", AuthContainers.Seal(gz, d.Signer).ToByteArray());
                if (r.Status == HttpStatusCode.Created) ledger.LogAcknowledged(d.Id!, n);
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            // The appliance died under us: whatever was not acknowledged may or may not be there.
        }
    }

    /// <summary>The operator: a new config version per round for a random onboarded device.</summary>
    private static async Task OperatorLoadAsync(string data, List<TestDevice> devices, AcknowledgedLedger ledger, CancellationToken stop)
    {
        try
        {
            using var admin = new AdminClient(data);
            for (var round = 0; !stop.IsCancellationRequested; round++)
            {
                var onboarded = devices.Where(d => d.Id != null && ledger.IsOnboarded(d.Id)).ToList();
                if (onboarded.Count == 0) { await Task.Delay(50, stop); continue; }
                var d = onboarded[round % onboarded.Count];
                var value = ledger.NextConfigValue(d.Id!);
                var json = $$"""{"configItems":[{"key":"timer.config.interval","value":"{{value}}"}]}""";
                await admin.PutTextAsync($"admin/devices/{d.Id}/config", json);
                ledger.ConfigAcknowledged(d.Id!, value);
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or AdminRefusedException or ControllerNotRunningException or IOException or System.Net.Sockets.SocketException)
        {
            // Same as above: a change in flight at the kill is allowed to be lost, not an acknowledged one.
        }
    }

    internal static string LogText(string id, uint n) => $"killloop {id} line {n}";

    /// <summary>What the appliance acknowledged, per device, and the check of it against the store.</summary>
    private sealed class AcknowledgedLedger
    {
        private readonly object _gate = new();
        private readonly HashSet<string> _onboarded = [];
        private readonly Dictionary<string, uint> _sequence = [];
        private readonly Dictionary<string, uint> _info = [];
        private readonly Dictionary<string, HashSet<uint>> _logs = [];
        private readonly Dictionary<string, int> _configValue = [];
        private readonly Dictionary<string, int> _configAcked = [];

        public int Onboarded { get { lock (_gate) return _onboarded.Count; } }

        /// <summary>Every acknowledgement counted once: to see that a round made progress.</summary>
        public int Total { get { lock (_gate) return _onboarded.Count + _info.Count + _logs.Values.Sum(s => s.Count) + _configAcked.Values.Sum(); } }

        public void DeviceOnboarded(string id) { lock (_gate) _onboarded.Add(id); }
        public bool IsOnboarded(string id) { lock (_gate) return _onboarded.Contains(id); }
        public uint NextSequence(string id) { lock (_gate) return _sequence[id] = _sequence.GetValueOrDefault(id) + 1; }
        public void InfoAcknowledged(string id, uint n) { lock (_gate) _info[id] = n; }
        public void LogAcknowledged(string id, uint n) { lock (_gate) (_logs.TryGetValue(id, out var s) ? s : _logs[id] = []).Add(n); }
        public int NextConfigValue(string id) { lock (_gate) return _configValue[id] = _configValue.GetValueOrDefault(id) + 1; }
        public void ConfigAcknowledged(string id, int v) { lock (_gate) _configAcked[id] = v; }

        public string Describe()
        {
            lock (_gate)
                return $"acknowledged so far: {_onboarded.Count} devices, {_info.Count} infos, {_logs.Values.Sum(s => s.Count)} log lines, {_configAcked.Values.Sum()} config versions";
        }

        public async Task VerifyAsync(string data, IReadOnlyList<TestDevice> devices)
        {
            using var admin = new AdminClient(data);
            var listed = (await admin.GetAsync("admin/devices"))!.AsArray().Select(d => d!["id"]!.GetValue<string>()).ToHashSet();
            List<string> onboarded;
            lock (_gate) onboarded = [.. _onboarded];
            Assert.That(listed, Is.SupersetOf(onboarded), "every acknowledged onboarding survives");
            foreach (var id in onboarded)
            {
                uint ackedInfo; HashSet<uint> ackedLogs; int ackedConfig; int sentConfig; uint sentUpTo;
                lock (_gate)
                {
                    ackedInfo = _info.GetValueOrDefault(id);
                    ackedLogs = _logs.TryGetValue(id, out var s) ? [.. s] : [];
                    ackedConfig = _configAcked.GetValueOrDefault(id);
                    sentConfig = _configValue.GetValueOrDefault(id);
                    sentUpTo = _sequence.GetValueOrDefault(id);
                }
                if (ackedInfo > 0)
                {
                    var info = (await admin.GetAsync($"admin/devices/{id}/info"))!.AsArray().Single(i => i!["kind"]?.GetValue<string>() == "ZiDevice")!;
                    var stored = info["message"]!["dinfo"]!["ncpu"]!.GetValue<uint>();
                    Assert.That(stored, Is.InRange(ackedInfo, sentUpTo), $"device {id}: last acknowledged info {ackedInfo}");
                }
                var lines = await StoredLinesAsync(admin, id);
                var dup = lines.GroupBy(x => x).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
                Assert.That(dup, Is.Empty, $"device {id}: log lines stored twice");
                Assert.That(ackedLogs.Except(lines), Is.Empty, $"device {id}: acknowledged log lines missing");
                if (ackedConfig > 0)
                {
                    var config = (await admin.GetAsync($"admin/devices/{id}/config"))!;
                    var value = int.Parse(ConfigValue(config) ?? "0");
                    // The last acknowledged version is there, or a later one that was in flight at a
                    // kill (its answer lost); never an older one, never one not yet sent.
                    Assert.That(value, Is.InRange(ackedConfig, sentConfig), $"device {id}: config version");
                }
            }
        }

        private static async Task<List<uint>> StoredLinesAsync(AdminClient admin, string id)
        {
            var found = new List<uint>();
            long after = 0;
            while (true)
            {
                var page = (await admin.GetAsync($"admin/devices/{id}/logs?text=killloop&after={after}&limit=5000"))!.AsArray();
                if (page.Count == 0) return found;
                foreach (var l in page)
                {
                    after = Math.Max(after, l!["id"]!.GetValue<long>());
                    var content = l["content"]!.GetValue<string>();
                    var at = content.LastIndexOf(' ');
                    if (content.StartsWith($"killloop {id} line ", StringComparison.Ordinal)) found.Add(uint.Parse(content[(at + 1)..]));
                }
            }
        }

        private static string? ConfigValue(JsonNode config)
        {
            var items = config["config"]?["configItems"]?.AsArray();
            return items?.FirstOrDefault(i => i!["key"]!.GetValue<string>() == "timer.config.interval")?["value"]?.GetValue<string>();
        }
    }
}
