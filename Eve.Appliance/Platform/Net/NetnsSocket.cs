using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Eve.Appliance.Platform.Net;

/// <summary>A listening TCP socket created inside a named network namespace, for an in-process server
/// (the metadata server) that must answer on a bridge the agent's own namespace does not have.
/// A socket belongs to the namespace it was created in for its whole life, so only its creation needs
/// to happen there: a short-lived thread enters the namespace (setns), creates and binds the socket,
/// and exits — the namespace switch dies with the thread and never touches the thread pool.</summary>
internal static class NetnsSocket
{
    private const int CloneNewNet = 0x40000000;

    public static Socket ListenTcp(string? netns, IPEndPoint endpoint, int backlog = 64)
    {
        if (netns == null) return Bind(endpoint, backlog);
        Socket? socket = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle(Path.Combine("/run/netns", netns), FileMode.Open, FileAccess.Read);
                if (SetNs((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
                    throw new IOException($"setns into network namespace {netns} failed: errno {Marshal.GetLastPInvokeError()} (needs CAP_SYS_ADMIN)");
                socket = Bind(endpoint, backlog);
            }
            catch (Exception e)
            {
                error = e;
            }
        }) { IsBackground = true, Name = $"netns-bind-{netns}" };
        thread.Start();
        thread.Join();
        if (error is FileNotFoundException or DirectoryNotFoundException)
            throw new IOException($"network namespace {netns} does not exist (no /run/netns/{netns})", error);
        if (error is SocketException se)
            throw new IOException($"cannot listen on {endpoint} in network namespace {netns}: {se.Message}", se);
        if (error != null) throw error;
        return socket!;
    }

    /// <summary>A duplicate of the socket's descriptor for a server that takes ownership of a handle
    /// (Kestrel's ListenHandle closes it on stop); the caller then disposes its own socket.</summary>
    public static ulong DuplicateHandle(Socket socket)
    {
        var fd = Dup((int)socket.Handle);
        if (fd < 0) throw new IOException($"dup of a listening socket failed: errno {Marshal.GetLastPInvokeError()}");
        return (ulong)fd;
    }

    private static Socket Bind(IPEndPoint endpoint, int backlog)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // A restarted server must not wait for the old one's TIME_WAIT connections.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint);
            socket.Listen(backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // DllImport, not LibraryImport: the source-generated stubs need AllowUnsafeBlocks, which the project does not set.
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);

    [DllImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static extern int Dup(int fd);
}
