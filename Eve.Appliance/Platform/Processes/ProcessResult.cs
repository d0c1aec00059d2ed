namespace Eve.Appliance.Platform.Processes;

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);
