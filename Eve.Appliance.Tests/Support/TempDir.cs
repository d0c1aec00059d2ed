namespace Eve.Appliance.Tests.Support;

/// <summary>A fresh folder under /tmp, removed on dispose (also after a failed test).</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "eve-test")
    {
        Path = Directory.CreateTempSubdirectory(prefix + "-").FullName;
    }

    public string Path { get; }

    public string Sub(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
