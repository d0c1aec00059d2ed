using System.Text.Json;
using Eve.Appliance.Platform.Qemu;

namespace Eve.Appliance.Tests.Platform.Qemu;

[TestFixture]
public sealed class QmpClientTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("eveqmp-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string SocketPath => Path.Combine(_dir, "qmp.sock");

    private static string Execute(JsonElement cmd) => cmd.GetProperty("execute").GetString()!;

    [Test]
    public async Task Handshake_SendsQmpCapabilities_ThenCommandsGetTheirReturn()
    {
        await using var server = new FakeQmpServer(SocketPath, (cmd, send) => Execute(cmd) switch
        {
            "query-status" => send(FakeQmpServer.Return(cmd, """{"status": "running", "singlestep": false, "running": true}""")),
            _ => send(FakeQmpServer.Return(cmd)),
        });
        await using var qmp = await QmpClient.ConnectAsync(SocketPath);
        var status = await qmp.QueryStatusAsync();
        Assert.That(status, Is.EqualTo(new QmpStatus("running", true)));
        Assert.That(server.Received[0], Does.Contain("\"execute\":\"qmp_capabilities\""));
    }

    [Test]
    public async Task EventsBeforeTheReturn_AreQueuedNotTakenAsTheReply()
    {
        await using var server = new FakeQmpServer(SocketPath, async (cmd, send) =>
        {
            if (Execute(cmd) == "stop")
            {
                await send(FakeQmpServer.Event("STOP"));
                await send(FakeQmpServer.Event("SHUTDOWN", """{"guest": false, "reason": "host-qmp-quit"}"""));
            }
            await send(FakeQmpServer.Return(cmd));
        });
        await using var qmp = await QmpClient.ConnectAsync(SocketPath);
        await qmp.StopAsync();
        Assert.That(qmp.Events.TryRead(out var first), Is.True);
        Assert.That(first!.Name, Is.EqualTo("STOP"));
        Assert.That(first.Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1700000000).AddMilliseconds(250)));
        Assert.That(qmp.Events.TryRead(out var second), Is.True);
        Assert.That(second!.Reason, Is.EqualTo("host-qmp-quit"));
    }

    [Test]
    public async Task RepliesOutOfOrder_AreMatchedById()
    {
        var held = new List<JsonElement>();
        await using var server = new FakeQmpServer(SocketPath, async (cmd, send) =>
        {
            if (Execute(cmd) == "qmp_capabilities") { await send(FakeQmpServer.Return(cmd)); return; }
            held.Add(cmd);
            if (held.Count < 2) return;
            // Answer the second command first.
            await send(FakeQmpServer.Return(held[1], """{"status": "paused", "running": false}"""));
            await send(FakeQmpServer.Return(held[0], """[{"device": "disk0", "qdev": "vdisk0", "stats": {"rd_bytes": 4096, "wr_bytes": 512, "rd_operations": 2, "wr_operations": 1, "flush_operations": 3}}]"""));
        });
        await using var qmp = await QmpClient.ConnectAsync(SocketPath);
        var stats = qmp.QueryBlockStatsAsync();
        await Task.Delay(50);
        var status = qmp.QueryStatusAsync();
        Assert.That((await status).Status, Is.EqualTo("paused"));
        Assert.That((await stats).Single(), Is.EqualTo(new QmpBlockStats("disk0", "vdisk0", 4096, 512, 2, 1, 3)));
    }

    [Test]
    public async Task ErrorReply_IsCommandFailed_WithQemusClassAndText()
    {
        await using var server = new FakeQmpServer(SocketPath, (cmd, send) => Execute(cmd) == "cont"
            ? send($$"""{"error": {"class": "GenericError", "desc": "Resetting the Virtual Machine is required"}, "id": {{cmd.GetProperty("id")}}}""")
            : send(FakeQmpServer.Return(cmd)));
        await using var qmp = await QmpClient.ConnectAsync(SocketPath);
        var e = Assert.ThrowsAsync<QmpException>(() => qmp.ContAsync())!;
        Assert.That(e.Kind, Is.EqualTo(QmpErrorKind.CommandFailed));
        Assert.That(e.ErrorClass, Is.EqualTo("GenericError"));
        Assert.That(e.Message, Does.Contain("'cont'").And.Contain("Resetting the Virtual Machine is required"));
    }

    [Test]
    public async Task HungMonitor_TimesOut_AndTheConnectionStaysUsable()
    {
        await using var server = new FakeQmpServer(SocketPath, (cmd, send) =>
            Execute(cmd) == "system_reset" ? Task.CompletedTask : send(FakeQmpServer.Return(cmd, """{"status": "running", "running": true}""")));
        await using var qmp = await QmpClient.ConnectAsync(SocketPath);
        var e = Assert.ThrowsAsync<QmpException>(() => qmp.ExecuteAsync("system_reset", timeout: TimeSpan.FromMilliseconds(200)))!;
        Assert.That(e.Kind, Is.EqualTo(QmpErrorKind.Timeout));
        Assert.That(e.Message, Does.Contain("did not answer 'system_reset'").And.Contain("hung"));
        Assert.That((await qmp.QueryStatusAsync()).Running, Is.True);
    }

    [Test]
    public async Task SocketClosedWhileWaiting_FailsThePendingCommandAsClosed_AndEndsEvents()
    {
        FakeQmpServer? server = null;
        server = new FakeQmpServer(SocketPath, (cmd, send) =>
        {
            if (Execute(cmd) == "qmp_capabilities") return send(FakeQmpServer.Return(cmd));
            server!.CloseClient();
            return Task.CompletedTask;
        });
        await using (server)
        {
            await using var qmp = await QmpClient.ConnectAsync(SocketPath);
            var e = Assert.ThrowsAsync<QmpException>(() => qmp.QueryStatusAsync())!;
            Assert.That(e.Kind, Is.EqualTo(QmpErrorKind.Closed));
            Assert.That(e.Message, Does.Contain("'query-status'").And.Contain("closed by QEMU"));
            await qmp.Events.Completion.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.That(qmp.Events.Completion.IsCompletedSuccessfully, Is.True);
            Assert.That(qmp.Closed.IsCompleted, Is.True);
            var again = Assert.ThrowsAsync<QmpException>(() => qmp.QueryStatusAsync())!;
            Assert.That(again.Kind, Is.EqualTo(QmpErrorKind.Closed));
        }
    }

    [Test]
    public async Task NoGreeting_TimesOutWithAHint()
    {
        await using var server = new FakeQmpServer(SocketPath, (_, _) => Task.CompletedTask, greet: false);
        var e = Assert.ThrowsAsync<QmpException>(() => QmpClient.ConnectAsync(SocketPath, TimeSpan.FromMilliseconds(300)))!;
        Assert.That(e.Kind, Is.EqualTo(QmpErrorKind.Timeout));
        Assert.That(e.Message, Does.Contain("no greeting"));
    }

    [Test]
    public void NoListener_IsClosed_WithThePath()
    {
        var e = Assert.ThrowsAsync<QmpException>(() => QmpClient.ConnectAsync(SocketPath))!;
        Assert.That(e.Kind, Is.EqualTo(QmpErrorKind.Closed));
        Assert.That(e.Message, Does.Contain(SocketPath));
    }
}
