using System.Globalization;
using System.Text.RegularExpressions;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Tests.Platform.Gpt;

/// <summary>sgdisk (gdisk 1.0.9) as the independent reference: builds EVE's layout on an image file
/// in one call (each sgdisk write costs ~1 s of fsync) and parses what it reports.</summary>
internal static partial class Sgdisk
{
    public const string RootfsType = "5dfbf5f4-2848-4bac-aa5e-0d9a20b745a6";
    public const string ConfigType = "13307e62-cd9c-4920-8f9b-91b45828b798";
    public const string PersistType = "5f24425a-2dfa-11e8-a270-7b663faccc2c";
    public const long DiskBytes = 12L << 20;

    /// <summary>EVE's make-raw layout scaled down: EFI, IMGA (active, 0x102), IMGB (unused),
    /// CONFIG, and PERSIST as partition 9 (EVE numbers it so; 5–8 stay free for system types).</summary>
    public static async Task CreateEveLayoutAsync(string path)
    {
        using (var f = File.Create(path)) f.SetLength(DiskBytes);
        await ProcessRunner.Default.RunAsync("sgdisk", [
            "-o",
            "-n", "1:2048:4095", "-t", "1:EF00", "-c", "1:EFI",
            "-n", "2:4096:8191", "-t", $"2:{RootfsType}", "-c", "2:IMGA", "-A", "2:=:0102000000000000",
            "-n", "3:8192:12287", "-t", $"3:{RootfsType}", "-c", "3:IMGB",
            "-n", "4:12288:14335", "-t", $"4:{ConfigType}", "-c", "4:CONFIG",
            "-n", "9:14336:0", "-t", $"9:{PersistType}", "-c", "9:PERSIST",
            path]);
    }

    public sealed record Info(Guid Type, Guid Unique, ulong First, ulong Last, ulong Attributes, string Name);

    public static async Task<Info> InfoAsync(string path, int number)
    {
        var o = (await ProcessRunner.Default.RunAsync("sgdisk", ["-i", number.ToString(CultureInfo.InvariantCulture), path])).Stdout;
        string Field(string label) => Regex.Match(o, $@"^{label}: (.*)$", RegexOptions.Multiline) is { Success: true } m
            ? m.Groups[1].Value.Trim()
            : throw new AssertionException($"sgdisk -i {number} printed no '{label}':\n{o}");
        return new Info(
            Guid.Parse(Field("Partition GUID code").Split(' ')[0]),
            Guid.Parse(Field("Partition unique GUID")),
            ulong.Parse(Field("First sector").Split(' ')[0], CultureInfo.InvariantCulture),
            ulong.Parse(Field("Last sector").Split(' ')[0], CultureInfo.InvariantCulture),
            ulong.Parse(Field("Attribute flags"), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            Field("Partition name").Trim('\''));
    }

    /// <summary>The set attribute bits as `sgdisk -A N:show` lists them ("2:49:1 (…)").</summary>
    public static async Task<IReadOnlyList<int>> ShownBitsAsync(string path, int number)
    {
        var o = (await ProcessRunner.Default.RunAsync("sgdisk", ["-A", $"{number}:show", path])).Stdout;
        return ShowLine().Matches(o).Where(m => m.Groups[1].Value == number.ToString(CultureInfo.InvariantCulture))
            .Select(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>`sgdisk -v` output; "No problems found" is what a sound table prints.</summary>
    public static async Task<string> VerifyAsync(string path) =>
        (await ProcessRunner.Default.RunAsync("sgdisk", ["-v", path], check: false)).Stdout;

    public static async Task<Guid> DiskGuidAsync(string path)
    {
        var o = (await ProcessRunner.Default.RunAsync("sgdisk", ["-p", path])).Stdout;
        return Guid.Parse(Regex.Match(o, @"Disk identifier \(GUID\): (\S+)").Groups[1].Value);
    }

    [GeneratedRegex(@"^(\d+):(\d+):1\b", RegexOptions.Multiline)]
    private static partial Regex ShowLine();
}
