namespace Eve.Appliance.Platform.Processes;

/// <summary>A host command that exited non-zero or timed out. The message names the command, the
/// exit code and the tail of stderr, because that is what an operator needs to act.</summary>
internal sealed class ProcessFailedException : Exception
{
    public ProcessFailedException(string command, int exitCode, string stderrTail, bool timedOut = false)
        : base(timedOut
            ? $"`{command}` did not finish in time and was killed; stderr: {Tail(stderrTail)}"
            : $"`{command}` exit {exitCode}: {Tail(stderrTail)}")
    {
        Command = command;
        ExitCode = exitCode;
        StderrTail = stderrTail;
        TimedOut = timedOut;
    }

    public string Command { get; }
    public int ExitCode { get; }
    public string StderrTail { get; }
    public bool TimedOut { get; }

    private static string Tail(string s) => string.IsNullOrWhiteSpace(s) ? "(no stderr)" : s.Trim();
}
