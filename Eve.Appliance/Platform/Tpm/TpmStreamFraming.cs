using System.Buffers.Binary;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>Reads one TPM response from a byte stream. The response header carries its own size
/// (tag UINT16, size UINT32), so we read until that many bytes arrived: a socket or a pty may
/// deliver it in pieces, and /dev/tpm* delivers it whole on the first read.</summary>
internal static class TpmStreamFraming
{
    private const int HeaderSize = 10;

    public static async ValueTask<int> ReadResponseAsync(Stream stream, Memory<byte> response, string source, CancellationToken ct)
    {
        var got = 0;
        var expected = HeaderSize;
        while (got < expected)
        {
            var n = await stream.ReadAsync(response[got..], ct).ConfigureAwait(false);
            if (n == 0)
                throw new TpmProtocolException($"{source} closed the connection after {got} of {expected} response bytes");
            got += n;
            if (got >= 6 && expected == HeaderSize)
            {
                expected = (int)BinaryPrimitives.ReadUInt32BigEndian(response.Span[2..]);
                if (expected < HeaderSize || expected > response.Length)
                    throw new TpmProtocolException($"{source} sent a response header claiming {expected} bytes (buffer {response.Length})");
            }
        }
        if (got != expected)
            throw new TpmProtocolException($"{source} sent {got} bytes for a {expected}-byte response");
        return got;
    }
}
