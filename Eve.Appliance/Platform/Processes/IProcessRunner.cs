namespace Eve.Appliance.Platform.Processes;

/// <summary>The only way the appliance runs a host command (ip, nft, sgdisk, qemu-img, …).</summary>
internal interface IProcessRunner
{
    /// <summary>Runs to completion; throws <see cref="ProcessFailedException"/> on non-zero exit
    /// (unless <paramref name="check"/> is false) or when <paramref name="timeout"/> passes.</summary>
    Task<ProcessResult> RunAsync(string file, IReadOnlyList<string> args, TimeSpan? timeout = null,
        string? stdin = null, bool check = true, CancellationToken ct = default);
}
