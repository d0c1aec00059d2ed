using System.Diagnostics;
using System.Security.Cryptography;
using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Tests.Platform.Tpm;

[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class TpmTransportTests
{
    [Test]
    public async Task Factory_ParsesEveryOptionForm()
    {
        await using var swtpm = TpmTransportFactory.Create("swtpm:127.0.0.1:2321")!;
        Assert.That(swtpm.Description, Is.EqualTo("swtpm 127.0.0.1:2321"));
        await using var dev = TpmTransportFactory.Create("device:/dev/tpm0")!;
        Assert.That(dev.Description, Is.EqualTo("device /dev/tpm0"));
        await using var auto = TpmTransportFactory.Create("auto", p => p == "/dev/tpm0")!;
        Assert.That(auto.Description, Is.EqualTo("device /dev/tpm0"));
        await using var autoRm = TpmTransportFactory.Create("auto", _ => true)!;
        Assert.That(autoRm.Description, Is.EqualTo("device /dev/tpmrm0"), "the resource manager is preferred");
        Assert.That(TpmTransportFactory.Create("auto", _ => false), Is.Null);
        Assert.That(TpmTransportFactory.Create("none"), Is.Null);
    }

    [TestCase("swtpm:localhost")]
    [TestCase("swtpm:127.0.0.1:99999")]
    [TestCase("device:")]
    [TestCase("tpm2")]
    public void Factory_RejectsMalformedOptions_SayingWhatIsExpected(string option)
    {
        var e = Assert.Throws<ArgumentException>(() => TpmTransportFactory.Create(option));
        Assert.That(e!.Message, Does.Contain($"'{option}'").And.Contain("e.g.").Or.Contain("expected"));
    }

    [Test]
    public async Task SwtpmTransport_ToAStoppedTpm_FailsSayingSo()
    {
        int port;
        using (var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        }
        await using var tpm = new TpmClient(new SwtpmTcpTransport("127.0.0.1", port));
        var e = Assert.ThrowsAsync<TpmProtocolException>(() => tpm.GetRandomAsync(4));
        Assert.That(e!.Message, Does.Contain($"swtpm 127.0.0.1:{port}").And.Contain("is swtpm running?"));
    }

    /// <summary>No /dev/tpm* here, so socat offers swtpm as a character device (a pty): the device
    /// transport writes and reads a file exactly as it would /dev/tpmrm0.</summary>
    [Test]
    public async Task DeviceTransport_OverACharacterDevice_RunsCommands()
    {
        await using var swtpm = await SwtpmInstance.StartAsync();
        var link = Path.Combine(Path.GetTempPath(), $"eve-tpmdev-{Guid.NewGuid():N}");
        var psi = new ProcessStartInfo("socat") { RedirectStandardError = true };
        psi.ArgumentList.Add($"pty,link={link},rawer");
        psi.ArgumentList.Add($"tcp:127.0.0.1:{swtpm.Process.Port}");
        using var socat = Process.Start(psi)!;
        try
        {
            for (var i = 0; i < 500 && !File.Exists(link); i++) await Task.Delay(10);
            Assert.That(File.Exists(link), Is.True, "socat did not create the pty link");
            await using var tpm = new TpmClient(TpmTransportFactory.Create($"device:{link}")!);

            Assert.That(await tpm.GetRandomAsync(32), Has.Length.EqualTo(32));
            var key = await tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccSigningKey());
            var digest = SHA256.HashData("device"u8);
            var sig = await tpm.SignAsync(key.Handle, digest);
            await tpm.FlushContextAsync(key.Handle);
            using var ecdsa = ECDsa.Create(key.Public.ToECParameters());
            Assert.That(ecdsa.VerifyHash(digest, sig.ToP1363()), Is.True);
        }
        finally
        {
            if (!socat.HasExited) socat.Kill();
            await socat.WaitForExitAsync();
            File.Delete(link);
        }
    }
}
