using System.Text.Json;
using System.Text.RegularExpressions;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Platform.Net;

/// <summary><see cref="INftClient"/> over the <c>nft</c> tool (nftables 1.0.6 syntax).</summary>
internal sealed partial class NftClient(IProcessRunner runner) : INftClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public async Task ApplyTableAsync(string family, string name, string tableText, string? netns, CancellationToken ct)
    {
        // "table X" creates it when missing, so the delete that follows never fails; both and the new
        // table form one transaction.
        var script = $"table {family} {name}\ndelete table {family} {name}\n{tableText}\n";
        var (file, args) = NetnsCommand.Exec(netns, "nft", ["-f", "-"]);
        try
        {
            await runner.RunAsync(file, args, Timeout, stdin: script, ct: ct).ConfigureAwait(false);
        }
        catch (ProcessFailedException e)
        {
            throw new InvalidOperationException(
                $"nft rejected table {family} {name}{(netns != null ? $" in netns {netns}" : "")}: {e.StderrTail.Trim()}", e);
        }
    }

    public async Task<bool> DeleteTableAsync(string family, string name, string? netns, CancellationToken ct)
    {
        var (file, args) = NetnsCommand.Exec(netns, "nft", ["delete", "table", family, name]);
        var result = await runner.RunAsync(file, args, Timeout, check: false, ct: ct).ConfigureAwait(false);
        if (result.ExitCode == 0) return true;
        if (result.Stderr.Contains("No such file or directory", StringComparison.Ordinal)) return false;
        throw new ProcessFailedException(ProcessRunner.Describe(file, args), result.ExitCode, result.Stderr);
    }

    public async Task<IReadOnlyList<(string Family, string Name)>> ListTablesAsync(string? netns, CancellationToken ct)
    {
        var (file, args) = NetnsCommand.Exec(netns, "nft", ["-j", "list", "tables"]);
        var result = await runner.RunAsync(file, args, Timeout, ct: ct).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(result.Stdout);
        var tables = new List<(string, string)>();
        foreach (var entry in doc.RootElement.GetProperty("nftables").EnumerateArray())
            if (entry.TryGetProperty("table", out var t))
                tables.Add((t.GetProperty("family").GetString()!, t.GetProperty("name").GetString()!));
        return tables;
    }

    public async Task<string?> GetTableJsonAsync(string family, string name, string? netns, CancellationToken ct)
    {
        var (file, args) = NetnsCommand.Exec(netns, "nft", ["-j", "list", "table", family, name]);
        var result = await runner.RunAsync(file, args, Timeout, check: false, ct: ct).ConfigureAwait(false);
        return result.ExitCode == 0 ? result.Stdout : null;
    }

    public async Task<string?> GetTableCommentAsync(string family, string name, string? netns, CancellationToken ct)
    {
        // nft 1.0.6 leaves the table comment out of its JSON, so read the text listing's header.
        var (file, args) = NetnsCommand.Exec(netns, "nft", ["list", "table", family, name]);
        var result = await runner.RunAsync(file, args, Timeout, check: false, ct: ct).ConfigureAwait(false);
        if (result.ExitCode != 0) return null;
        var match = TableComment().Match(result.Stdout);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("^table [a-z0-9]+ \\S+ \\{\\s*\\n\\s*comment \"([^\"]*)\"", RegexOptions.Multiline)]
    private static partial Regex TableComment();
}
