using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>Creates sockets inside a named network namespace (<c>/run/netns/NS</c>) and binds them to one
/// of its ports. A socket keeps the namespace it was created in, so only the <c>socket()</c> call runs
/// with the calling thread switched (<c>setns</c>) into the namespace; the thread is switched back before
/// this returns — synchronously, with no await in between, so no other work ever runs on a switched
/// thread. Needs CAP_SYS_ADMIN (the appliance runs as root).</summary>
internal static class NetnsSockets
{
    private const int CloneNewNet = 0x40000000;
    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;

    public static Socket Create(string netns, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        using var target = OpenNs(Path.Combine("/run/netns", netns), $"network namespace {netns}");
        using var home = OpenNs("/proc/thread-self/ns/net", "this thread's network namespace");
        if (SetNs(target.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
            throw new IOException($"cannot enter network namespace {netns}: {Marshal.GetLastPInvokeErrorMessage()} (needs root)");
        try
        {
            return new Socket(family, type, protocol);
        }
        finally
        {
            // Failing to return would leave a pool thread in the device's namespace: nothing sane is left to do.
            if (SetNs(home.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
                Environment.FailFast($"cannot return to the original network namespace after {netns}: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    /// <summary>A socket in <paramref name="netns"/> whose traffic leaves only through <paramref name="ifName"/>
    /// (<c>SO_BINDTODEVICE</c>), so routing picks that port's own default route.</summary>
    public static Socket CreateOnPort(string netns, string ifName, AddressFamily family, SocketType type, ProtocolType protocol)
    {
        var s = Create(netns, family, type, protocol);
        try
        {
            var name = new byte[Encoding.ASCII.GetByteCount(ifName) + 1];
            Encoding.ASCII.GetBytes(ifName, name);
            s.SetRawSocketOption(SolSocket, SoBindToDevice, name);
            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    private static Microsoft.Win32.SafeHandles.SafeFileHandle OpenNs(string path, string what)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot open {what} ({path}): {e.Message}", e);
        }
    }

    // DllImport, not LibraryImport: the source-generated stubs need AllowUnsafeBlocks, which the project does not set.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
}
