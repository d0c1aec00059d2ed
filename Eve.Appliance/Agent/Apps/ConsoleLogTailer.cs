using System.Text;

namespace Eve.Appliance.Agent.Apps;

/// <summary>Reads the lines QEMU appended to an app's serial console file since the last read.
/// A partial last line waits for its newline; the file only grows (QEMU appends), and a file that
/// shrank (removed by a purge of the logs) is read from its start again.</summary>
internal sealed class ConsoleLogTailer(string path, long startOffset)
{
    private const int MaxLine = 4096;
    private long _offset = startOffset;
    private readonly StringBuilder _partial = new();

    public static ConsoleLogTailer AtEnd(string path) => new(path, File.Exists(path) ? new FileInfo(path).Length : 0);

    public IReadOnlyList<string> ReadNewLines()
    {
        var lines = new List<string>();
        if (!File.Exists(path)) return lines;
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (fs.Length < _offset) { _offset = 0; _partial.Clear(); }
        if (fs.Length == _offset) return lines;
        fs.Seek(_offset, SeekOrigin.Begin);
        var buffer = new byte[(int)Math.Min(fs.Length - _offset, 1 << 20)];
        var n = fs.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        _offset += n;
        foreach (var c in Encoding.UTF8.GetString(buffer, 0, n))
        {
            if (c == '\n' || _partial.Length >= MaxLine)
            {
                var line = _partial.ToString().TrimEnd('\r');
                _partial.Clear();
                if (line.Length > 0) lines.Add(line);
                if (c == '\n') continue;
            }
            _partial.Append(c);
        }
        return lines;
    }
}
