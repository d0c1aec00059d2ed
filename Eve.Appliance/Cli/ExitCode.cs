namespace Eve.Appliance.Cli;

/// <summary>Exit codes, so systemd and scripts tell a bad command line from a bad config from a crash.</summary>
internal enum ExitCode
{
    Ok = 0,
    Failure = 1,
    Usage = 2,
    BadConfiguration = 3,
    NotFound = 4,
}
