namespace Eve.Appliance.Agent.DebugAccess;

/// <summary>
/// EVE's local kill switch for remote access: a file named <c>remote_access_disabled</c> in the
/// CONFIG (bootstrap) partition. Only someone who can write that partition (physical access, or
/// the installer) can set it, so no controller config can turn remote access back on; the device
/// then ignores debug.enable.ssh (and any other remote-access request) and reports
/// <c>ZInfoDevice.remote_access_disabled</c>. Read on every pass, so adding or removing the file
/// takes effect without a restart.
/// </summary>
internal sealed class RemoteAccessSwitch(string configDir)
{
    public const string FileName = "remote_access_disabled";

    public string FilePath => Path.Combine(configDir, FileName);

    public bool IsDisabled => File.Exists(FilePath);
}
