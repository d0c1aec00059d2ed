namespace Eve.Appliance.Tests.Fuzz;

/// <summary>
/// The seed corpus kept in the repository (Fuzz/Corpus): hand-made hostile bodies that every
/// endpoint gets besides the generated ones. Read from the source tree beside the test project.
/// </summary>
internal static class FuzzCorpus
{
    public static string Dir
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            {
                var candidate = Path.Combine(d.FullName, "Eve.Appliance.Tests", "Fuzz", "Corpus");
                if (Directory.Exists(candidate)) return candidate;
                candidate = Path.Combine(d.FullName, "Fuzz", "Corpus");
                if (Directory.Exists(candidate)) return candidate;
            }
            throw new DirectoryNotFoundException($"Fuzz/Corpus not found above {AppContext.BaseDirectory}: the tests run from the source tree");
        }
    }

    public static IReadOnlyList<(string Name, byte[] Body)> Load() =>
        Directory.GetFiles(Dir, "*.bin").Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
}
