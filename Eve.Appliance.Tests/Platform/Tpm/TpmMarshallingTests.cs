using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Tests.Platform.Tpm;

/// <summary>Exact byte layouts from TCG TPM 2.0 Part 3, checked against hand-assembled buffers.</summary>
[TestFixture]
public sealed class TpmMarshallingTests
{
    [Test]
    public async Task GetRandom_EncodesTheSpecCommand_AndDecodesTheDigest()
    {
        var t = new RecordingTransport(Convert.FromHexString("80010000000E00000000000212AB"));
        await using var tpm = new TpmClient(t);

        var bytes = await tpm.GetRandomAsync(2);

        Assert.That(Convert.ToHexString(t.Commands[0]), Is.EqualTo("80010000000C0000017B0002"));
        Assert.That(bytes, Is.EqualTo(new byte[] { 0x12, 0xAB }));
    }

    [Test]
    public async Task Sign_SendsPasswordSessionAndNullTicket_AndReadsRAndS()
    {
        // Response: ST_SESSIONS, parameterSize, TPMT_SIGNATURE{ECDSA, SHA256, r(1 byte), s(1 byte)}, session.
        var t = new RecordingTransport(Convert.FromHexString(
            "8002" + "0000001D" + "00000000" + "0000000A" + "0018000B000107000109" + "0000010000"));
        await using var tpm = new TpmClient(t);
        var digest = new byte[32];

        var sig = await tpm.SignAsync(0x80000001, digest, TpmAuth.FromPassword("pw"));

        var expected = "8002" + "0000004B" + "0000015D" + "80000001"
            + "0000000B" + "40000009" + "0000" + "01" + "0002" + "7077"        // TPMS_AUTH_COMMAND, password "pw"
            + "0020" + new string('0', 64)                                     // digest
            + "0018000B"                                                        // ECDSA, SHA256
            + "8024" + "40000007" + "0000";                                    // TPMT_TK_HASHCHECK, NULL ticket
        Assert.That(Convert.ToHexString(t.Commands[0]), Is.EqualTo(expected));
        Assert.That(sig.R, Is.EqualTo(new byte[] { 0x07 }));
        Assert.That(sig.ToP1363()[31], Is.EqualTo(0x07));
        Assert.That(sig.ToP1363()[63], Is.EqualTo(0x09));
        Assert.That(sig.ToP1363()[..31], Is.All.EqualTo(0));
    }

    [Test]
    public async Task ErrorResponse_BecomesTpmExceptionNamingCommandAndCode()
    {
        await using var tpm = new TpmClient(new RecordingTransport(Convert.FromHexString("80010000000A00000902")));
        var e = Assert.ThrowsAsync<TpmException>(() => tpm.LoadAsync(0x80000000,
            new TpmCreatedObject([], [], TpmTemplates.EccSigningKey())));
        Assert.That(e!.Message, Does.StartWith("TPM2_Load failed (parent 0x80000000): TPM_RC_OBJECT_MEMORY (0x902)"));
    }

    [Test]
    public async Task TruncatedResponse_IsAProtocolErrorNotACrash()
    {
        await using var tpm = new TpmClient(new RecordingTransport(Convert.FromHexString("80010000000C000000000020AB")));
        var e = Assert.ThrowsAsync<TpmProtocolException>(() => tpm.GetRandomAsync(32));
        Assert.That(e!.Message, Does.Contain("ended early"));
    }

    [Test]
    public void PublicArea_RoundTripsThroughEncodeAndDecode()
    {
        var ek = TpmTemplates.EccEndorsementKey();
        var decoded = TpmPublic.Decode(ek.Encode());
        Assert.That(decoded.Encode(), Is.EqualTo(ek.Encode()));
        Assert.That(decoded.Symmetric, Is.EqualTo(TpmSymDef.Aes128Cfb));
        // TCG EK profile L-2 layout starts: ECC, SHA256, attributes 0x000300B2, 32-byte policy.
        Assert.That(Convert.ToHexString(ek.Encode()[..10]), Is.EqualTo("0023000B000300B20020"));
    }

    [Test]
    public void PcrSelection_EncodesAThreeByteBitmap()
    {
        Span<byte> buf = stackalloc byte[16];
        var w = new TpmWriter(buf);
        TpmPcrSelection.Sha256(0, 7, 16).Write(ref w);
        Assert.That(Convert.ToHexString(buf[..w.Length]), Is.EqualTo("000B03810001"));
    }
}
