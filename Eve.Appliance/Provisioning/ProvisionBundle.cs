namespace Eve.Appliance.Provisioning;

/// <summary>What goes on a provisioning stick: EVE's /config files (server, root certificate,
/// onboarding cert and key, the TLS roots, a DPC as <c>DevicePortConfig/usb.json</c>) and, for
/// air-gapped sites, images. Keys are paths on the stick, values the source files.</summary>
internal sealed class ProvisionBundle
{
    private readonly SortedDictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, byte[]> _texts = new(StringComparer.Ordinal);

    /// <summary>Stick path → source file.</summary>
    public IReadOnlyDictionary<string, string> Files => _files;

    /// <summary>Stick path → content given on the command line (the server address).</summary>
    public IReadOnlyDictionary<string, byte[]> Texts => _texts;

    public void AddConfigText(string name, string content)
    {
        var path = "config/" + name;
        if (!ProvisionManifest.IsSafePath(path)) throw new ArgumentException($"provisioning: '{path}' is not a valid name on the stick");
        _files.Remove(path);
        _texts[path] = System.Text.Encoding.UTF8.GetBytes(content);
    }

    /// <summary>The config files a controller's bootstrap folder holds (`DATA/bootstrap`, written by
    /// `pki init` / the first start), so `--from-controller DATA` carries everything a device needs.</summary>
    public static readonly string[] BootstrapFiles =
        ["server", "root-certificate.pem", "v2tlsbaseroot-certificates.pem", "onboard.cert.pem", "onboard.key.pem"];

    public void AddConfig(string name, string source)
    {
        if (!File.Exists(source)) throw new FileNotFoundException($"provisioning: {source} (for config/{name}) does not exist");
        Add("config/" + name, source);
    }

    public void AddImage(string source)
    {
        if (!File.Exists(source)) throw new FileNotFoundException($"provisioning: image {source} does not exist");
        Add("images/" + Path.GetFileName(source), source);
    }

    public void AddControllerBootstrap(string bootstrapDir)
    {
        if (!Directory.Exists(bootstrapDir)) throw new DirectoryNotFoundException($"provisioning: {bootstrapDir} does not exist (start the controller or run `pki init` first)");
        foreach (var name in BootstrapFiles)
        {
            var f = Path.Combine(bootstrapDir, name);
            if (File.Exists(f)) AddConfig(name, f);
        }
    }

    /// <summary>Checks what a device needs to onboard: an address and whom to trust.</summary>
    public void Validate()
    {
        foreach (var need in new[] { "config/server", "config/root-certificate.pem" })
            if (!_files.ContainsKey(need) && !_texts.ContainsKey(need))
                throw new ArgumentException($"provisioning: the stick would have no {need}; give --server and --root-cert, or --from-controller DATA");
        if (_files.ContainsKey("config/onboard.cert.pem") != _files.ContainsKey("config/onboard.key.pem"))
            throw new ArgumentException("provisioning: onboard.cert.pem and onboard.key.pem go together; give both or neither");
    }

    private void Add(string path, string source)
    {
        if (!ProvisionManifest.IsSafePath(path)) throw new ArgumentException($"provisioning: '{path}' is not a valid name on the stick");
        _texts.Remove(path);
        _files[path] = Path.GetFullPath(source);
    }
}
