using System.Security.Cryptography;
using Eve.Appliance.Api.Envelope;
using Eve.Appliance.Tests.Support;
using Google.Protobuf;
using Org.Lfedge.Eve.Auth;

namespace Eve.Appliance.Tests.Fuzz;

/// <summary>
/// Makes the hostile requests for one endpoint from a seeded random source: garbage, corpus bodies,
/// truncations, bit flips of a valid envelope (dropping the rare flip that leaves it valid, so every
/// input sent is a forgery or broken), envelopes re-signed by strangers, another device's path, and
/// oversized bodies. The victim is <c>victim</c>; <c>other</c> is a second onboarded device.
/// </summary>
internal sealed class HostileInputs(Random random, TestDevice victim, TestDevice other, TestDevice stranger, TestDevice foreignOnboard,
    IReadOnlyList<(string Name, byte[] Body)> corpus)
{
    public int SkippedEquivalent { get; private set; }

    public IEnumerable<FuzzInput> For(FuzzTarget t, int garbage, int truncations, int flips)
    {
        var path = t.PathFor(victim.Id!);
        foreach (var (name, body) in corpus) yield return new FuzzInput(t, "corpus " + name, path, body);
        for (var i = 0; i < garbage; i++) yield return new FuzzInput(t, "garbage", path, Garbage());
        if (!t.Authenticated)
        {
            yield break; // certs/ping ignore the body; garbage and corpus are enough to show that
        }

        var valid = Valid(t, victim);
        for (var i = 0; i < truncations; i++)
            yield return new FuzzInput(t, "truncated", path, valid[..random.Next(0, valid.Length)]);
        for (var i = 0; i < flips; i++)
        {
            var flipped = Flip(valid);
            if (StillValid(flipped, valid)) SkippedEquivalent++;
            else yield return new FuzzInput(t, "bit flip", path, flipped);
        }

        var payload = t.Payload();
        // Re-signed by a stranger's key (a device of another controller) but claiming the victim's cert hash.
        var forged = AuthContainer.Parser.ParseFrom(valid);
        forged.SignatureHash = ByteString.CopyFrom(stranger.Signer.SignDigest(SHA256.HashData(payload)));
        yield return new FuzzInput(t, "re-signed, victim's hash", path, forged.ToByteArray());
        // The stranger's own valid envelope, to the victim's path and to its own (unknown) id.
        yield return new FuzzInput(t, "stranger's envelope", path, AuthContainers.Seal(payload, stranger.Signer).ToByteArray());
        yield return new FuzzInput(t, "stranger's envelope, own path", t.PathFor(Guid.NewGuid().ToString()), AuthContainers.Seal(payload, stranger.Signer).ToByteArray());
        // Register with an onboarding cert from another CA.
        if (t.OnboardingSigned) yield return new FuzzInput(t, "foreign onboarding cert", path, foreignOnboard.RegisterEnvelope(foreignOnboard.RegisterMsg()));
        if (!t.OnboardingSigned && path.Contains(victim.Id!, StringComparison.Ordinal))
        {
            // The other device's valid envelope on the victim's path, and path ids that are not UUIDs.
            yield return new FuzzInput(t, "path uuid of another device", path, Valid(t, other));
            foreach (var junk in new[] { "not-a-uuid", "..%2f..%2fadmin", new string('f', 300), "00000000-0000-0000-0000-000000000000" })
                yield return new FuzzInput(t, "path junk", t.PathFor(junk), Valid(t, other));
        }
        yield return new FuzzInput(t, "oversized", path, new byte[t.Limit + 1 + random.Next(0, 1024)]) { TransportErrorAllowed = true };
    }

    private byte[] Valid(FuzzTarget t, TestDevice d) =>
        t.OnboardingSigned ? d.RegisterEnvelope(d.RegisterMsg("fuzz-" + Guid.NewGuid().ToString("N")[..8])) : AuthContainers.Seal(t.Payload(), d.Signer).ToByteArray();

    private byte[] Garbage()
    {
        var b = new byte[random.Next(0, 2048)];
        random.NextBytes(b);
        return b;
    }

    private byte[] Flip(byte[] valid)
    {
        var b = (byte[])valid.Clone();
        var n = random.Next(1, 4);
        for (var i = 0; i < n; i++) b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
        return b;
    }

    /// <summary>True when a flipped envelope still carries the original payload, signature and sender
    /// (the flip hit only `algo`, which the controller does not need: it finds the sender by the hash
    /// bytes and checks the signature with that device's key): not a forgery, so it is not sent.</summary>
    private static bool StillValid(byte[] flipped, byte[] original)
    {
        try
        {
            var c = AuthContainer.Parser.ParseFrom(flipped);
            var o = AuthContainer.Parser.ParseFrom(original);
            if (c.ProtectedPayload == null) return false;
            return c.ProtectedPayload.Payload.Span.SequenceEqual(o.ProtectedPayload.Payload.Span)
                   && c.SignatureHash.Span.SequenceEqual(o.SignatureHash.Span)
                   && c.SenderCertHash.Span.SequenceEqual(o.SenderCertHash.Span)
                   && c.SenderCert.Span.SequenceEqual(o.SenderCert.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }
}
