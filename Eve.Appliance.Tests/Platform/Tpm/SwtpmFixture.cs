using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Tests.Platform.Tpm;

/// <summary>
/// One real swtpm per fixture (started once, stopped by its recorded pid), and our client on it:
/// the shared setup of every fixture that talks to a TPM directly.
/// </summary>
public abstract class SwtpmFixture
{
    private protected SwtpmInstance Swtpm { get; private set; } = null!;
    private protected TpmClient Tpm { get; private set; } = null!;

    /// <summary>True for fixtures that need the EK and its certificate (swtpm_setup --create-ek-cert).</summary>
    private protected virtual bool Manufacture => false;

    [OneTimeSetUp]
    public async Task StartSwtpm()
    {
        Swtpm = await SwtpmInstance.StartAsync(manufacture: Manufacture);
        Tpm = Swtpm.Connect();
    }

    [OneTimeTearDown]
    public async Task StopSwtpm()
    {
        await Tpm.DisposeAsync();
        await Swtpm.DisposeAsync();
    }
}
