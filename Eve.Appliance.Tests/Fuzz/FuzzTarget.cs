using Google.Protobuf;

namespace Eve.Appliance.Tests.Fuzz;

/// <summary>One v2 endpoint under fuzz: how to reach it for a device, a valid payload for it, its
/// body limit, and whether it authenticates the body at all (certs and ping do not).</summary>
internal sealed record FuzzTarget(string Name, HttpMethod Method, Func<string, string> PathFor, Func<byte[]> Payload, int Limit,
    bool Authenticated = true, bool OnboardingSigned = false)
{
    public static FuzzTarget Signed(string name, Func<string, string> path, IMessage payload, int limit) =>
        new(name, HttpMethod.Post, path, payload.ToByteArray, limit);

    public override string ToString() => Name;
}

/// <summary>One request the fuzzer sends, and what it is allowed to get.</summary>
internal sealed record FuzzInput(FuzzTarget Target, string Kind, string Path, byte[] Body, string? ContentType = "application/x-proto-binary")
{
    /// <summary>A forgery or broken body: a 2xx answer would be an accepted forgery.</summary>
    public bool MustBeRefused { get; init; } = true;

    /// <summary>Oversized bodies: the server may answer 413 or close the connection mid-upload.</summary>
    public bool TransportErrorAllowed { get; init; }
}
