using System.Text;

namespace Eve.Appliance.Bench;

/// <summary>Writes a benchmark's lines to the console as they come and keeps them for the JSON record.</summary>
internal sealed class TeeTextWriter(TextWriter live) : TextWriter
{
    private readonly StringBuilder _kept = new();

    public override Encoding Encoding => live.Encoding;

    public string Kept
    {
        get { lock (_kept) return _kept.ToString(); }
    }

    public override void Write(char value)
    {
        lock (_kept)
        {
            _kept.Append(value);
            live.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_kept)
        {
            _kept.Append(value);
            live.Write(value);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_kept)
        {
            _kept.AppendLine(value);
            live.WriteLine(value);
            live.Flush();
        }
    }
}
