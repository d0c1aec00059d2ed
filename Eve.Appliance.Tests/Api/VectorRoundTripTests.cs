using System.Text.Json.Nodes;
using Eve.Appliance.Api;
using Google.Protobuf;

namespace Eve.Appliance.Tests.Api;

/// <summary>Every vector encoded by the upstream protos must parse, re-encode byte for byte, and
/// render the same canonical JSON: that is our proof of wire compatibility.</summary>
[TestFixture]
public sealed class VectorRoundTripTests
{
    public static IEnumerable<TestCaseData> ProtobufVectors() =>
        VectorFiles.Manifest().Where(e => e.IsProtobuf)
            .Select(e => new TestCaseData(e.Name, e.MessageType).SetName($"Vector_{e.Name}"));

    [TestCaseSource(nameof(ProtobufVectors))]
    public void ReEncodesToIdenticalBytes(string name, string type)
    {
        var bytes = VectorFiles.Bytes(name);
        var descriptor = ProtoRegistry.Find(type);
        var message = descriptor.Parser.ParseFrom(bytes);
        Assert.That(message.ToByteArray(), Is.EqualTo(bytes), $"{name}: re-encoding differs");
    }

    [TestCaseSource(nameof(ProtobufVectors))]
    public void RendersCanonicalJson(string name, string type)
    {
        var message = ProtoRegistry.Find(type).Parser.ParseFrom(VectorFiles.Bytes(name));
        var ours = JsonNode.Parse(ProtoRegistry.CanonicalJson.Format(message));
        var theirs = JsonNode.Parse(VectorFiles.Json(name));
        Assert.That(JsonNode.DeepEquals(ours, theirs), Is.True,
            $"{name}: JSON differs\nours:   {ours?.ToJsonString()}\ntheirs: {theirs?.ToJsonString()}");
    }

    [TestCaseSource(nameof(ProtobufVectors))]
    public void ParsesCanonicalJsonBackToSameBytes(string name, string type)
    {
        var descriptor = ProtoRegistry.Find(type);
        var fromJson = ProtoRegistry.CanonicalJsonParser.Parse(VectorFiles.Json(name), descriptor);
        var fromBytes = descriptor.Parser.ParseFrom(VectorFiles.Bytes(name));
        Assert.That(fromJson, Is.EqualTo(fromBytes), $"{name}: JSON parse differs from binary parse");
    }

    [Test]
    public void CopiedVectorsMatchSharedOnes()
    {
        // The repo carries a copy so the suite is self-contained; if the shared reference is beside
        // the checkout, the copy must not have drifted from it.
        var shared = FindShared();
        if (shared == null)
        {
            Assert.Ignore("shared/eve-api/vectors is not beside this checkout; the copy is the reference");
            return;
        }
        foreach (var file in Directory.GetFiles(shared, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(shared, file);
            var ours = Path.Combine(VectorFiles.Dir, rel);
            Assert.That(File.Exists(ours), Is.True, $"vector {rel} missing from the copy");
            Assert.That(File.ReadAllBytes(ours), Is.EqualTo(File.ReadAllBytes(file)), $"vector {rel} differs");
        }
    }

    private static string? FindShared()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "eve-api", "vectors");
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}
