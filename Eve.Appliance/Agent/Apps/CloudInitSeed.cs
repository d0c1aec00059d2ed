using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Eve.Appliance.Platform.Processes;

namespace Eve.Appliance.Agent.Apps;

/// <summary>
/// The cloud-init NoCloud seed EVE gives a VM with user data: a small disk labelled <c>cidata</c>
/// holding <c>user-data</c> (the app's decrypted, base64-decoded userData) and <c>meta-data</c>
/// (instance-id = app UUID/version, local-hostname = app name), attached read-only.
/// EVE writes an ISO9660; we write a FAT image labelled CIDATA, which cloud-init's NoCloud source
/// accepts the same way (it looks for a vfat or iso9660 filesystem by that label). The FAT image is
/// made by Debian's dosfstools (mkfs.vfat) and mtools (mcopy), which the appliance image carries
/// already for its CONFIG partition, rather than by own code or an extra ISO tool; mtools also
/// reads it back without a mount (this host cannot mount vfat).
/// The image is rebuilt only when its content changes (a hash beside it), and removed with the app.
/// </summary>
internal static class CloudInitSeed
{
    public const string Label = "CIDATA";

    public static string PathFor(string seedDir, Guid app) => Path.Combine(seedDir, $"{app:D}.cidata.img");

    public static string MetaData(AppIntent intent) =>
        string.Create(CultureInfo.InvariantCulture, $"instance-id: {intent.Id:D}/{intent.Version}\nlocal-hostname: {Hostname(intent.Name)}\n");

    /// <summary>The seed image for the app, made or reused; null (and any old image removed) when
    /// the app has no user data.</summary>
    public static async Task<string?> EnsureAsync(IProcessRunner runner, string seedDir, AppIntent intent, CancellationToken ct)
    {
        var path = PathFor(seedDir, intent.Id);
        if (string.IsNullOrEmpty(intent.UserData))
        {
            Remove(seedDir, intent.Id);
            return null;
        }
        byte[] userData;
        try
        {
            userData = Convert.FromBase64String(intent.UserData);
        }
        catch (FormatException)
        {
            throw new AppRefusedException($"app '{intent.Name}': userData is not base64 (EVE carries cloud-init user data base64-encoded); fix the app's user data");
        }
        var metaData = Encoding.UTF8.GetBytes(MetaData(intent));
        var hash = Convert.ToHexStringLower(SHA256.HashData([.. SHA256.HashData(userData), .. SHA256.HashData(metaData)]));
        var hashFile = path + ".sha256";
        if (File.Exists(path) && File.Exists(hashFile) && File.ReadAllText(hashFile).Trim() == hash) return path;

        Directory.CreateDirectory(seedDir);
        var work = Directory.CreateDirectory(Path.Combine(seedDir, $".{intent.Id:D}.{Guid.NewGuid():N}")).FullName;
        try
        {
            var image = Path.Combine(work, "seed.img");
            await File.WriteAllBytesAsync(Path.Combine(work, "user-data"), userData, ct).ConfigureAwait(false);
            await File.WriteAllBytesAsync(Path.Combine(work, "meta-data"), metaData, ct).ConfigureAwait(false);
            // FAT12 needs a little room for its tables; 1 MiB covers typical cloud-config with margin.
            var kib = Math.Max(1024, (userData.Length + metaData.Length) / 1024 * 2 + 256);
            await runner.RunAsync("mkfs.vfat", ["-n", Label, "-C", image, kib.ToString(CultureInfo.InvariantCulture)], ct: ct).ConfigureAwait(false);
            foreach (var name in new[] { "user-data", "meta-data" })
                await runner.RunAsync("mcopy", ["-o", "-i", image, Path.Combine(work, name), "::" + name], ct: ct).ConfigureAwait(false);
            File.Move(image, path, overwrite: true);
            Platform.Files.AtomicFile.WriteText(hashFile, hash + "\n");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        return path;
    }

    public static void Remove(string seedDir, Guid app)
    {
        // File.Delete of a missing file is fine, but not in a missing folder: no app has had a seed yet.
        if (!Directory.Exists(seedDir)) return;
        var path = PathFor(seedDir, app);
        File.Delete(path);
        File.Delete(path + ".sha256");
    }

    /// <summary>A hostname cloud-init can set: letters, digits and '-', at most 63 characters.</summary>
    private static string Hostname(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name) sb.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-');
        var host = sb.ToString().Trim('-');
        return host.Length == 0 ? "app" : host.Length > 63 ? host[..63].TrimEnd('-') : host;
    }
}
