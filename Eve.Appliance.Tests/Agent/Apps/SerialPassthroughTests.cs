using System.Diagnostics;
using System.Text;
using Eve.Appliance.Agent.Apps;
using Eve.Appliance.Tests.Support;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.Apps;

/// <summary>COM passthrough: the config model (EVE's PhyIoCOM device I/O + the app's COM adapter)
/// resolved to QEMU arguments, and end to end a host serial device — one end of a socat pty pair —
/// given to a VM whose console is on that port: what the guest prints comes out of the other end.</summary>
[TestFixture]
public sealed class SerialPassthroughTests
{
    private static PhysicalIO Com(string label, string path) =>
        new() { Ptype = PhyIoType.PhyIoCom, Phylabel = label, Logicallabel = label, Phyaddrs = { ["Serial"] = path } };

    private static AppInstanceConfig AppWithCom(string id, string name, params string[] coms)
    {
        var app = AppConfigs.App(id, name, 256 * 1024, "", true);
        foreach (var c in coms) app.Adapters.Add(new Adapter { Type = PhyIoType.PhyIoCom, Name = c });
        return app;
    }

    [Test]
    public void ComAdapters_ResolveToTheHostDevice_InEvesQemuShape_AndAPortHasOneOwner()
    {
        var config = new EdgeDevConfig();
        config.DeviceIoList.Add(Com("COM1", "/dev/ttyS0"));
        config.DeviceIoList.Add(Com("COM2", "/dev/ttyUSB0"));
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        config.Apps.Add(AppWithCom(first.ToString(), "plc", "COM1", "COM2"));
        config.Apps.Add(AppWithCom(second.ToString(), "logger", "COM1", "COM9"));

        var result = DesiredApps.Compute(config);
        var plc = result.Apps.Single(a => a.Id == first);
        Assert.That(plc.SerialPorts, Is.EqualTo(new[] { new AppSerialPort("COM1", "/dev/ttyS0"), new AppSerialPort("COM2", "/dev/ttyUSB0") }));
        Assert.That(SerialPassthrough.Args(plc.SerialPorts), Is.EqualTo(new[]
        {
            "-chardev", "tty,id=charserial-usr0,path=/dev/ttyS0", "-device", "isa-serial,chardev=charserial-usr0,id=serial-usr0",
            "-chardev", "tty,id=charserial-usr1,path=/dev/ttyUSB0", "-device", "isa-serial,chardev=charserial-usr1,id=serial-usr1",
        }));
        Assert.That(result.Problems[second], Does.Contain("'COM1' (/dev/ttyS0) is already given to app 'plc'")
            .And.Contain("'COM9' is not a PhyIoCOM entry"));
        Assert.That(SerialPassthrough.Missing([new AppSerialPort("COM2", "/dev/no-such-tty")]), Does.Contain("/dev/no-such-tty, which this host does not have"));
        Assert.That(plc.DomainFingerprint, Is.Not.EqualTo((plc with { SerialPorts = [] }).DomainFingerprint), "a changed port rebuilds the domain");
    }

    [Test]
    public async Task HostSerialDevice_IsTheVmsSerialPort_GuestOutputComesOutOfThePtyPair()
    {
        using var dir = new TempDir("com");
        var hostEnd = dir.Sub("com-host");
        var testEnd = dir.Sub("com-test");
        var socat = Process.Start(new ProcessStartInfo("socat")
        {
            ArgumentList = { "-d", "-d", $"pty,raw,echo=0,link={hostEnd}", $"pty,raw,echo=0,link={testEnd}" },
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        })!;
        socat.ErrorDataReceived += (_, _) => { };
        socat.BeginErrorReadLine();
        var text = new StringBuilder();
        Task? reader = null;
        await using var bed = await AppsTestBed.StartAsync("SN-apps-com");
        try
        {
            await Eventually.WaitAsync(() => File.Exists(hostEnd) && File.Exists(testEnd), "socat's pty pair");
            var tty = new FileStream(testEnd, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            reader = Task.Run(() =>
            {
                var buf = new byte[4096];
                try
                {
                    int n;
                    while ((n = tty.Read(buf, 0, buf.Length)) > 0) lock (text) text.Append(Encoding.ASCII.GetString(buf, 0, n));
                }
                catch (IOException) { } // socat gone: the pty hung up
                finally { tty.Dispose(); }
            });

            var app = Guid.NewGuid();
            var guest = await AppsEndToEndTests.GuestAppAsync(bed, app, "com-guest");
            await bed.SetConfigAsync(c =>
            {
                guest(c);
                c.DeviceIoList.Add(Com("COM1", hostEnd));
                c.Apps[0].Adapters.Add(new Adapter { Type = PhyIoType.PhyIoCom, Name = "COM1" });
                // The guest's console on its second UART, which is the passed-through port.
                c.Apps[0].Fixedresources.Extraargs = "console=ttyS1 panic=-1 test.hold";
            });
            await Eventually.WaitAsync(() => { lock (text) return text.ToString().Contains("EVE-TEST-MARKER", StringComparison.Ordinal); },
                () => $"the guest's marker out of the host end of the pty pair (app state {bed.Apps.Worker(app)?.Record.State}, error {bed.Apps.Worker(app)?.Record.Error}); read so far: {Tail(text)}", 180);
            var cmdline = await File.ReadAllTextAsync($"/proc/{bed.Apps.Worker(app)!.Vm!.Pid}/cmdline");
            Assert.That(cmdline.Replace('\0', ' '), Does.Contain($"tty,id=charserial-usr0,path={hostEnd}").And.Contain("isa-serial,chardev=charserial-usr0"));
            lock (text) Assert.That(text.ToString(), Does.Contain("Linux version"), "the kernel's console is the passed-through port");
        }
        finally
        {
            if (!socat.HasExited)
            {
                Posix.Kill(socat.Id, 9); // by the pid we started
                socat.WaitForExit(10_000);
            }
            socat.Dispose();
            if (reader != null) await reader.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static string Tail(StringBuilder b)
    {
        lock (b) return b.Length > 2000 ? b.ToString(b.Length - 2000, 2000) : b.ToString();
    }
}
