using System.Globalization;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>What a port's DHCP client learnt, as the udhcpc script of <see cref="NetnsDpcApplier"/>
/// writes it into the run folder (<c>dns-IF</c>, <c>domain-IF</c>, <c>wpad-IF</c>), merged with the
/// port's static settings (static DNS servers win, as in EVE).</summary>
internal static class PortLease
{
    public static IReadOnlyList<string> DnsServers(string runDir, DpcPort port) =>
        port.DnsServers is { Count: > 0 } s ? s : Words(Read(runDir, "dns", port.IfName));

    public static string? Domain(string runDir, DpcPort port) =>
        port.DomainName ?? Words(Read(runDir, "domain", port.IfName)).FirstOrDefault();

    /// <summary>DHCP option 252 (the WPAD URL), which udhcpc hands to its script as hex.</summary>
    public static string? WpadUrl(string runDir, string ifName)
    {
        var hex = Read(runDir, "wpad", ifName)?.Trim();
        if (string.IsNullOrEmpty(hex)) return null;
        try
        {
            var text = System.Text.Encoding.ASCII.GetString(Convert.FromHexString(hex)).TrimEnd('\0', '\n', ' ');
            return Uri.TryCreate(text, UriKind.Absolute, out _) ? text : null;
        }
        catch (FormatException)
        {
            return Uri.TryCreate(hex, UriKind.Absolute, out _) ? hex : null;
        }
    }

    private static string? Read(string runDir, string what, string ifName)
    {
        var path = Path.Combine(runDir, string.Create(CultureInfo.InvariantCulture, $"{what}-{ifName}"));
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string[] Words(string? s) => s?.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries) ?? [];
}
