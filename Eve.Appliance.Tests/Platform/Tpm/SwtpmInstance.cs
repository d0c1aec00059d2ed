using Eve.Appliance.Platform.Processes;
using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Tests.Platform.Tpm;

/// <summary>A real swtpm for one test: own temp state folder, free loopback ports, stopped by the
/// pid it recorded (after `swtpm_ioctl -s`) and its folder removed on dispose. Optionally
/// manufactured first with swtpm_setup (EK certs in NV), using config files in the temp folder so
/// nothing under /etc or /var/lib is read or written.</summary>
internal sealed class SwtpmInstance : IAsyncDisposable
{
    private readonly string _root;
    private SwtpmProcess? _process;

    private SwtpmInstance(string root) => _root = root;

    public string StateDir => Path.Combine(_root, "state");
    public SwtpmProcess Process => _process ?? throw new InvalidOperationException("swtpm is stopped");
    public string Option => Process.Option;

    public static async Task<SwtpmInstance> StartAsync(bool manufacture = false, bool startupClear = true)
    {
        var root = Path.Combine(Path.GetTempPath(), "eve-swtpm-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var instance = new SwtpmInstance(root);
        try
        {
            Directory.CreateDirectory(instance.StateDir);
            if (manufacture) await instance.ManufactureAsync();
            instance._process = await SwtpmProcess.StartAsync(instance.StateDir, startupClear);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    public TpmClient Connect() => Process.Connect();

    /// <summary>Stops swtpm (it saves its state) and starts it again on the same state folder.</summary>
    public async Task RestartAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        _process = null;
        _process = await SwtpmProcess.StartAsync(StateDir);
    }

    private async Task ManufactureAsync()
    {
        var ca = Path.Combine(_root, "localca");
        Directory.CreateDirectory(ca);
        var setupConf = Path.Combine(_root, "swtpm_setup.conf");
        var caConf = Path.Combine(_root, "swtpm-localca.conf");
        var caOpts = Path.Combine(_root, "swtpm-localca.options");
        await File.WriteAllTextAsync(setupConf,
            $"create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = {caConf}\n" +
            $"create_certs_tool_options = {caOpts}\nactive_pcr_banks = sha256\n");
        await File.WriteAllTextAsync(caConf,
            $"statedir = {ca}\nsigningkey = {ca}/signkey.pem\nissuercert = {ca}/issuercert.pem\ncertserial = {ca}/certserial\n");
        await File.WriteAllTextAsync(caOpts, "--platform-manufacturer EveAppliance\n--platform-version 2.1\n--platform-model swtpm\n");
        await ProcessRunner.Default.RunAsync("swtpm_setup", [
            "--tpm2", "--tpmstate", StateDir, "--config", setupConf,
            "--create-ek-cert", "--create-platform-cert", "--overwrite", "--pcr-banks", "sha256",
            "--logfile", Path.Combine(_root, "swtpm_setup.log"),
        ], TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_process is not null) await _process.DisposeAsync();
        }
        finally
        {
            _process = null;
            Directory.Delete(_root, recursive: true);
        }
    }
}
