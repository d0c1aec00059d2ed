using Eve.Appliance.Fuzz;

namespace Eve.Appliance.Tests.Fuzz;

/// <summary>
/// The coverage-guided fuzzer's targets (Eve.Appliance.Fuzz, run by `make fuzz` under AFL++) in the
/// suite: every seed of their corpus, every hostile input of the request fuzzer's corpus, and a
/// fixed set of mutants of each (bit flips, truncations, splices, length bombs) must be accepted or
/// refused, never crash and never pass as a forgery.
/// </summary>
[TestFixture]
public sealed class ParserFuzzTests
{
    private const int MutantsPerSeed = 400;

    public static IEnumerable<string> Targets => FuzzTargets.All.Keys;

    [TestCaseSource(nameof(Targets))]
    public void Target_NeverCrashes_OnCorpusAndMutants(string name)
    {
        var target = FuzzTargets.All[name];
        var seeds = Seeds(name).ToList();
        Assert.That(seeds, Is.Not.Empty, $"no seeds for {name}");
        // A seed fixed per target (string.GetHashCode is randomised per process), so a finding reproduces.
        var random = new Random(name.Aggregate(20261128, (h, ch) => unchecked(h * 31 + ch)));
        var findings = new List<string>();
        var tried = 0;
        var outcomes = new Dictionary<FuzzOutcome, int>();
        foreach (var (seedName, seed) in seeds)
        {
            foreach (var input in Mutants(seed, random).Prepend(seed))
            {
                tried++;
                try
                {
                    var o = target(input);
                    outcomes[o] = outcomes.GetValueOrDefault(o) + 1;
                }
                catch (Exception e)
                {
                    if (findings.Count < 5) findings.Add($"{seedName}: {e.GetType().Name}: {e.Message} on {Convert.ToHexString(input.AsSpan(0, Math.Min(64, input.Length)))}");
                    else findings.Add("");
                }
            }
        }
        TestContext.Out.WriteLine($"{name}: {tried} inputs, " + string.Join(", ", outcomes.Select(kv => $"{kv.Value} {kv.Key}")));
        Assert.That(findings, Is.Empty, $"{findings.Count} of {tried} inputs crashed the {name} parser");
        Assert.That(outcomes.GetValueOrDefault(FuzzOutcome.Refused), Is.GreaterThan(0), "the mutants never got refused: the target checks nothing");
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Seeds(string target)
    {
        var own = Path.Combine(AppContext.BaseDirectory, "FuzzCorpus", target);
        var hostile = Path.Combine(AppContext.BaseDirectory, "Fuzz", "Corpus");
        foreach (var dir in new[] { own, hostile })
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var f in Directory.GetFiles(dir).Order(StringComparer.Ordinal)) yield return (Path.GetFileName(f), File.ReadAllBytes(f));
        }
    }

    /// <summary>AFL's cheap deterministic and havoc-like mutations, seeded so a failure reproduces.</summary>
    private static IEnumerable<byte[]> Mutants(byte[] seed, Random random)
    {
        for (var i = 0; i < MutantsPerSeed; i++)
        {
            var b = (byte[])seed.Clone();
            switch (random.Next(7))
            {
                case 0 when b.Length > 0:
                    b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when b.Length > 0:
                    b = b[..random.Next(b.Length)];
                    break;
                case 2 when b.Length > 0:
                    b[random.Next(b.Length)] = (byte)random.Next(256);
                    break;
                case 3 when b.Length > 1:
                    var at = random.Next(b.Length);
                    b = [.. b[..at], .. b[random.Next(b.Length)..], .. b[at..]];
                    break;
                case 4 when b.Length > 0:
                    // A length or tag byte blown up: protobuf's varints and gzip's sizes.
                    b[random.Next(b.Length)] = (byte)(0x80 | random.Next(128));
                    break;
                case 5:
                    b = [.. b, .. Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256))];
                    break;
                default:
                    for (var k = random.Next(1, 8); k > 0 && b.Length > 0; k--) b[random.Next(b.Length)] = (byte)random.Next(256);
                    break;
            }
            yield return b;
        }
    }
}
