namespace Eve.Appliance.Platform.Tpm;

/// <summary>The kernel's TPM character device: write one command, read one response.
/// /dev/tpmrm0 goes through the kernel resource manager (transient objects are swapped and
/// flushed per open file); /dev/tpm0 is raw and allows a single opener.</summary>
internal sealed class TpmDeviceTransport(string path) : ITpmTransport
{
    private FileStream? _file;

    public string Description => $"device {path}";

    public async ValueTask<int> ExecuteAsync(ReadOnlyMemory<byte> command, Memory<byte> response, CancellationToken ct)
    {
        try
        {
            // Unbuffered, so each command is exactly one write() as the driver requires.
            _file ??= new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
            await _file.WriteAsync(command, ct).ConfigureAwait(false);
            return await TpmStreamFraming.ReadResponseAsync(_file, response, Description, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException or TpmProtocolException)
        {
            Close();
            if (e is UnauthorizedAccessException)
                throw new TpmProtocolException($"{Description}: {e.Message} (run as root or as a member of the tss group)", e);
            if (e is IOException)
                throw new TpmProtocolException($"{Description}: {e.Message}", e);
            throw;
        }
    }

    private void Close()
    {
        _file?.Dispose();
        _file = null;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }
}
