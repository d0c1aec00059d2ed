using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Apps;

/// <summary>COM passthrough as EVE's domainmgr does it: each COM adapter of the app names an I/O
/// of the device model (deviceIoList, type PhyIoCOM; matched by logical label, then physical
/// label), whose phyaddrs["Serial"] is the host device; QEMU opens it as a tty chardev behind an
/// isa-serial device.</summary>
internal static class SerialPassthrough
{
    /// <summary>The app's COM ports, or the problems that keep it from starting. A port already
    /// given to another app (<paramref name="taken"/>) is refused: a UART has one owner.</summary>
    public static IReadOnlyList<AppSerialPort> Resolve(EdgeDevConfig config, AppInstanceConfig app, string appName,
        Dictionary<string, string> taken, List<string> issues)
    {
        var ports = new List<AppSerialPort>();
        foreach (var adapter in app.Adapters.Where(a => a.Type == PhyIoType.PhyIoCom))
        {
            var io = config.DeviceIoList.FirstOrDefault(p => p.Ptype == PhyIoType.PhyIoCom && p.Logicallabel == adapter.Name)
                ?? config.DeviceIoList.FirstOrDefault(p => p.Ptype == PhyIoType.PhyIoCom && p.Phylabel == adapter.Name);
            if (io is null)
            {
                issues.Add($"COM adapter '{adapter.Name}' is not a PhyIoCOM entry of the device's deviceIoList (check the device model)");
                continue;
            }
            if (!io.Phyaddrs.TryGetValue("Serial", out var path) || !Path.IsPathRooted(path))
            {
                issues.Add($"COM adapter '{adapter.Name}': its deviceIoList entry has no absolute phyaddrs Serial (e.g. /dev/ttyS0)");
                continue;
            }
            if (taken.TryGetValue(path, out var owner) && owner != appName)
            {
                issues.Add($"COM adapter '{adapter.Name}' ({path}) is already given to app '{owner}'; a serial port has one owner");
                continue;
            }
            taken[path] = appName;
            ports.Add(new AppSerialPort(adapter.Name, path));
        }
        return ports;
    }

    /// <summary>QEMU arguments, EVE's naming (charserial-usrN / serial-usrN).</summary>
    public static IReadOnlyList<string> Args(IReadOnlyList<AppSerialPort> ports)
    {
        var a = new List<string>();
        for (var i = 0; i < ports.Count; i++)
            a.AddRange([
                "-chardev", $"tty,id=charserial-usr{i},path={ports[i].HostPath.Replace(",", ",,", StringComparison.Ordinal)}",
                "-device", $"isa-serial,chardev=charserial-usr{i},id=serial-usr{i}",
            ]);
        return a;
    }

    /// <summary>Null when every port exists on this host, else why the app cannot start.</summary>
    public static string? Missing(IReadOnlyList<AppSerialPort> ports)
    {
        var gone = ports.Where(p => !File.Exists(p.HostPath)).ToList();
        return gone.Count == 0 ? null
            : "COM passthrough: " + string.Join("; ", gone.Select(p => $"'{p.Name}' is {p.HostPath}, which this host does not have")) +
              " (fix the device model's deviceIoList or attach the serial adapter)";
    }
}
