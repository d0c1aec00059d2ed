namespace Eve.Appliance.Tests.Platform.Gpt;

/// <summary>A unique temp directory removed on dispose, also when the test fails.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix) =>
        Path = Directory.CreateDirectory(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}")).FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
