using Eve.Appliance.Fuzz;

// `Eve.Appliance.Fuzz TARGET` runs under afl-fuzz (SharpFuzz's out-of-process mode: one input per
// run from stdin, coverage from the instrumented eve-appliance.dll). `Eve.Appliance.Fuzz TARGET
// --replay PATH...` runs files or folders through the target (use an uninstrumented build for that:
// instrumented code outside Run has no coverage map), as the tests do.
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: Eve.Appliance.Fuzz TARGET [--replay PATH...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}
if (args.Length > 1 && args[1] == "--replay")
{
    var files = args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p]).Order(StringComparer.Ordinal);
    var counts = new Dictionary<FuzzOutcome, int>();
    foreach (var f in files)
    {
        var outcome = target(File.ReadAllBytes(f));
        counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
    }
    Console.WriteLine($"{args[0]}: " + string.Join(", ", counts.Select(kv => $"{kv.Value} {kv.Key.ToString().ToLowerInvariant()}")));
    return 0;
}
SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;
