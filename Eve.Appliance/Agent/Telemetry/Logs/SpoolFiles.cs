namespace Eve.Appliance.Agent.Telemetry.Logs;

/// <summary>Small file chores of the spool: its id file and cutting torn last lines.</summary>
internal static class SpoolFiles
{
    public static long LengthThroughLastNewline(FileStream fs)
    {
        var buffer = new byte[64 * 1024];
        var end = fs.Length;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            fs.Position = start;
            fs.ReadExactly(buffer, 0, (int)(end - start));
            var nl = buffer.AsSpan(0, (int)(end - start)).LastIndexOf((byte)'\n');
            if (nl >= 0) return start + nl + 1;
            end = start;
        }
        return 0;
    }

    public static Guid LoadOrCreateSpoolId(string path)
    {
        if (File.Exists(path) && Guid.TryParse(File.ReadAllText(path).Trim(), out var id)) return id;
        id = Guid.NewGuid();
        var tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            fs.Write(System.Text.Encoding.ASCII.GetBytes(id.ToString("D") + "\n"));
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
        return id;
    }

    /// <summary>Segment files with <paramref name="ext"/> in <paramref name="segmentsDir"/>, oldest first.</summary>
    public static List<(string Path, ulong Segment, string Stream)> Segments(string segmentsDir, string ext)
    {
        var list = new List<(string, ulong, string)>();
        foreach (var path in Directory.EnumerateFiles(segmentsDir, "*" + ext))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var dot = name.IndexOf('.');
            if (dot != 12 || !ulong.TryParse(name.AsSpan(0, dot), out var seg) || !LogStreams.IsValid(name[(dot + 1)..])) continue;
            list.Add((path, seg, name[(dot + 1)..]));
        }
        list.Sort((a, b) => a.Item2.CompareTo(b.Item2));
        return list;
    }
}
