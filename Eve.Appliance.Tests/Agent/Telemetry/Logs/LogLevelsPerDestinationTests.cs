using Eve.Appliance.Agent.Telemetry.Logs;
using Microsoft.Extensions.Logging;
using NLog.Config;
using NLog.Extensions.Logging;
using NLog.Targets;

namespace Eve.Appliance.Tests.Agent.Telemetry.Logs;

/// <summary>debug.default.loglevel decides what the device keeps (a real NLog file target, as the host's
/// log file), debug.default.remote.loglevel what enters the upload spool, agent.&lt;name&gt;.* per part;
/// all changed while the loggers are in use, as a new config does.</summary>
[TestFixture]
public sealed class LogLevelsPerDestinationTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = SpoolFixture.NewDir();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void LevelsFromConfig_DecideLocalFileAndUpload_Separately_WithoutRestart()
    {
        var localFile = Path.Combine(_dir, "local", "eve-appliance.log");
        var factory = new NLog.LogFactory();
        using (var spool = AgentLogSpool.Open(_dir, TimeSpan.FromMinutes(5)))
        {
            var config = new LoggingConfiguration(factory);
            var rule = new LoggingRule("*", NLog.LogLevel.Info, NLog.LogLevel.Fatal, new FileTarget("file") { FileName = localFile, Layout = "${level} ${logger} ${message}", KeepFileOpen = false });
            config.LoggingRules.Add(rule);
            spool.LocalLevels.Attach(factory, rule);
            factory.Configuration = config;
            // As the host wires it: everything reaches NLog, the rules decide.
            using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(spool.LoggerProvider).AddProvider(new NLogLoggerProvider(new NLogProviderOptions(), factory)));
            var agent = loggers.CreateLogger("Agent");
            var conn = loggers.CreateLogger("ControllerConn");

            agent.LogDebug("1 debug agent");
            agent.LogInformation("1 info agent");
            Assert.That(agent.IsEnabled(LogLevel.Debug), Is.False, "no destination wants debug yet: the call costs nothing");

            spool.ApplyConfigItems(new Dictionary<string, string> { ["debug.default.loglevel"] = "debug" });
            agent.LogTrace("2 trace agent");
            agent.LogDebug("2 debug agent");
            agent.LogInformation("2 info agent");

            spool.ApplyConfigItems(new Dictionary<string, string>
            {
                ["debug.default.loglevel"] = "warning", ["debug.default.remote.loglevel"] = "error",
                ["agent.controllerconn.debug.loglevel"] = "trace", ["agent.controllerconn.debug.remote.loglevel"] = "debug",
            });
            agent.LogInformation("3 info agent");
            agent.LogWarning("3 warning agent");
            agent.LogError("3 error agent");
            conn.LogTrace("3 trace conn");
            conn.LogDebug("3 debug conn");
            factory.Flush();
        }
        factory.Shutdown();

        var kept = File.ReadAllLines(localFile).Select(l => l[(l.IndexOf(' ', l.IndexOf(' ') + 1) + 1)..]).ToList();
        var uploaded = SpoolFixture.Contents(new LogUploadQueue(SpoolFixture.Options(Path.Combine(_dir, "newlog")), TimeProvider.System));
        Assert.Multiple(() =>
        {
            Assert.That(kept, Is.EqualTo(new[] { "1 info agent", "2 debug agent", "2 info agent", "3 warning agent", "3 error agent", "3 trace conn", "3 debug conn" }),
                "kept locally: info by default; debug after debug.default.loglevel=debug; then warning, but everything from controllerconn");
            Assert.That(uploaded, Is.EqualTo(new[] { "1 info agent", "2 info agent", "3 error agent", "3 debug conn" }),
                "uploaded: info (the remote default is untouched by the local item), then error, debug for controllerconn");
        });
    }
}
