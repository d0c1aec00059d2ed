namespace Eve.Appliance.Platform.Net;

/// <summary>Builds argv that runs a tool inside a network namespace (<c>ip netns exec NS tool …</c>), or
/// in the caller's namespace when none is given. <c>ip</c> itself uses <c>-n NS</c> instead.</summary>
internal static class NetnsCommand
{
    public static (string File, List<string> Args) Exec(string? netns, string file, IEnumerable<string> args)
    {
        if (string.IsNullOrEmpty(netns)) return (file, [.. args]);
        return ("ip", ["netns", "exec", netns, file, .. args]);
    }

    public static List<string> Ip(string? netns, IEnumerable<string> args) =>
        string.IsNullOrEmpty(netns) ? [.. args] : ["-n", netns, .. args];
}
