using System.Buffers.Binary;

namespace Eve.Appliance.Platform.Tpm;

/// <summary>A small TPM 2.0 client: marshals the commands we need (TCG TPM 2.0 Part 3), sends them
/// one at a time over an <see cref="ITpmTransport"/>, and turns error codes into
/// <see cref="TpmException"/>s. Commands live in partial files per group (objects, signing, PCRs,
/// NV, capabilities). Only password sessions are supported. Without a resource manager the caller
/// must flush what it loads; <see cref="FlushContextAsync"/> is cheap.</summary>
internal sealed partial class TpmClient(ITpmTransport transport) : IAsyncDisposable
{
    /// <summary>MAX_COMMAND_SIZE / MAX_RESPONSE_SIZE of the reference implementation and swtpm.</summary>
    public const int MaxBufferSize = 4096;

    private const int HeaderSize = 10;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly byte[] _command = new byte[MaxBufferSize];
    private readonly byte[] _response = new byte[MaxBufferSize];

    public string Description => transport.Description;

    private delegate void ParamsWriter<TArg>(ref TpmWriter w, TArg arg);

    private delegate TResult ResponseParser<TResult>(ref TpmReader r, uint responseHandle);

    private static readonly ParamsWriter<bool> NoParams = static (ref _, _) => { };
    private static readonly ResponseParser<bool> NoResult = static (ref _, _) => true;

    /// <summary>Runs one command. <paramref name="handles"/> go in the handle area; when
    /// <paramref name="auth"/> is given, a password session authorizes the first handle.
    /// <paramref name="responseHandles"/> is 1 for commands returning a handle (CreatePrimary, Load).</summary>
    private async Task<TResult> ExecuteAsync<TArg, TResult>(TpmCc cc, uint[] handles, TpmAuth? auth,
        TArg arg, ParamsWriter<TArg> write, int responseHandles, ResponseParser<TResult> parse,
        CancellationToken ct, string? context = null)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var length = Encode(cc, handles, auth, arg, write);
            var got = await transport.ExecuteAsync(_command.AsMemory(0, length), _response, ct).ConfigureAwait(false);
            return Decode(cc, _response.AsSpan(0, got), responseHandles, parse, context);
        }
        finally
        {
            _lock.Release();
        }
    }

    private int Encode<TArg>(TpmCc cc, uint[] handles, TpmAuth? auth, TArg arg, ParamsWriter<TArg> write)
    {
        var w = new TpmWriter(_command);
        w.U16((ushort)(auth is null ? TpmSt.NoSessions : TpmSt.Sessions));
        w.U32(0); // commandSize, patched below
        w.U32((uint)cc);
        foreach (var h in handles) w.U32(h);
        if (auth is { } a)
        {
            var pw = a.Value.Span;
            w.U32((uint)(4 + 2 + 1 + 2 + pw.Length)); // authorizationSize: one TPMS_AUTH_COMMAND
            w.U32(TpmHandle.PasswordSession);
            w.Sized([]);  // nonceCaller: empty for a password session
            w.U8(0x01);   // sessionAttributes: continueSession (ignored for TPM_RS_PW)
            w.Sized(pw);  // hmac carries the password in the clear
        }
        write(ref w, arg);
        w.PatchU32(2, (uint)w.Length);
        return w.Length;
    }

    private static TResult Decode<TResult>(TpmCc cc, ReadOnlySpan<byte> response, int responseHandles,
        ResponseParser<TResult> parse, string? context)
    {
        if (response.Length < HeaderSize)
            throw new TpmProtocolException($"TPM2_{TpmException.CommandName(cc)}: response of {response.Length} bytes is shorter than a header");
        var tag = (TpmSt)BinaryPrimitives.ReadUInt16BigEndian(response);
        var rc = BinaryPrimitives.ReadUInt32BigEndian(response[6..]);
        if (rc != 0) throw new TpmException(cc, rc, context);
        var r = new TpmReader(response[HeaderSize..]);
        var handle = responseHandles > 0 ? r.U32() : 0;
        if (tag == TpmSt.Sessions)
        {
            // parameterSize bounds the parameters; the session area (nonce, attributes, hmac) follows.
            var size = (int)r.U32();
            var p = new TpmReader(r.Bytes(size));
            return parse(ref p, handle);
        }
        if (tag != TpmSt.NoSessions)
            throw new TpmProtocolException($"TPM2_{TpmException.CommandName(cc)}: unexpected response tag 0x{(ushort)tag:x4}");
        return parse(ref r, handle);
    }

    public async ValueTask DisposeAsync()
    {
        await transport.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
    }
}
