using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Eve.Appliance.Tests.Platform.Qemu;

namespace Eve.Appliance.Tests.Controller.Ops;

/// <summary>A real QEMU (TCG) booting the test guest with its VGA screen on a VNC display on
/// loopback, as the agent starts an app with VNC on (test.hold: the guest keeps running); stopped by
/// the PID it was started with.</summary>
internal sealed class QemuVncDisplay : IDisposable
{
    private readonly Process _qemu;
    private readonly StringBuilder _stderr;

    private QemuVncDisplay(Process qemu, StringBuilder stderr, int display)
    {
        _qemu = qemu;
        _stderr = stderr;
        Display = display;
    }

    public int Display { get; }
    public int Port => 5900 + Display;

    public static async Task<QemuVncDisplay> StartAsync(string workDir)
    {
        var guest = await TestGuest.DirAsync();
        for (var attempt = 0; ; attempt++)
        {
            var display = FreeDisplay();
            var stderr = new StringBuilder();
            var psi = new ProcessStartInfo("qemu-system-x86_64")
            {
                UseShellExecute = false,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            foreach (var a in new[]
            {
                "-machine", "pc", "-accel", "tcg", "-m", "128", "-nodefaults", "-no-user-config", "-vga", "std",
                "-vnc", $"127.0.0.1:{display}", "-kernel", Path.Combine(guest, "vmlinuz"), "-initrd", Path.Combine(guest, "initramfs.gz"),
                "-append", "console=tty0 console=ttyS0 test.hold", "-serial", $"file:{Path.Combine(workDir, $"serial-{display}.log")}", "-monitor", "none",
            })
                psi.ArgumentList.Add(a);
            var qemu = Process.Start(psi)!;
            qemu.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
            qemu.OutputDataReceived += (_, _) => { };
            qemu.BeginErrorReadLine();
            qemu.BeginOutputReadLine();
            var shown = new QemuVncDisplay(qemu, stderr, display);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!qemu.HasExited && DateTime.UtcNow < deadline)
            {
                if (await Accepts(shown.Port)) return shown;
                await Task.Delay(100);
            }
            shown.Dispose();
            var why = shown.Stderr;
            // Another test took the display between the probe and QEMU's bind: pick another.
            if (attempt < 5 && why.Contains("in use", StringComparison.OrdinalIgnoreCase)) continue;
            throw new InvalidOperationException($"QEMU did not open VNC display {display} (port {shown.Port}): {why}");
        }
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    private static async Task<bool> Accepts(int port)
    {
        using var probe = new TcpClient();
        try
        {
            await probe.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A display from 10–99 (the object model allows 0–99) whose port is free now.</summary>
    private static int FreeDisplay()
    {
        for (var i = 0; i < 200; i++)
        {
            var display = Random.Shared.Next(10, 100);
            try
            {
                using var l = new TcpListener(IPAddress.Loopback, 5900 + display);
                l.Start();
                return display;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no free VNC port in 5910–5999");
    }

    public void Dispose()
    {
        try
        {
            using var p = Process.GetProcessById(_qemu.Id);
            p.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
        _qemu.WaitForExit(10_000);
        _qemu.Dispose();
    }
}
