namespace Eve.Appliance.Platform.Tpm;

/// <summary>Carries one raw TPM 2.0 command buffer to a TPM and its response buffer back. No
/// framing, no retries, no resource management: whoever uses a transport without a resource
/// manager (swtpm's TCP port, /dev/tpm0) must flush the transient objects it loads.</summary>
internal interface ITpmTransport : IAsyncDisposable
{
    /// <summary>"swtpm 127.0.0.1:2321", "device /dev/tpmrm0": for logs and errors.</summary>
    string Description { get; }

    /// <summary>Sends <paramref name="command"/> and writes the whole response into
    /// <paramref name="response"/>; returns its length.</summary>
    ValueTask<int> ExecuteAsync(ReadOnlyMemory<byte> command, Memory<byte> response, CancellationToken ct);
}
