namespace Eve.Appliance.Cli;

/// <summary>
/// Parsed command line: positional words and --options. Options named in <c>flags</c> take no
/// value; every other option takes exactly one. Unknown or missing options are usage errors with
/// the option's name in the message.
/// </summary>
internal sealed class Args
{
    private static readonly HashSet<string> Flags = ["json", "force", "follow", "enforce-integrity", "help", "history", "metrics-listen-any", "hardware-watchdog"];
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public Args(IEnumerable<string> argv)
    {
        var list = argv.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                var name = a[2..];
                string? value = null;
                var eq = name.IndexOf('=');
                if (eq > 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                else if (!Flags.Contains(name))
                {
                    if (i + 1 >= list.Count) throw new UsageException($"option --{name} needs a value");
                    value = list[++i];
                }
                if (!_options.TryGetValue(name, out var values)) _options[name] = values = [];
                values.Add(value ?? "true");
            }
            else Positional.Add(a);
        }
    }

    public List<string> Positional { get; } = [];

    public string? Get(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var v) ? v[^1] : null;
    }

    public IReadOnlyList<string> GetAll(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var v) ? v : [];
    }

    public string Require(string name) => Get(name) ?? throw new UsageException($"option --{name} is required");

    public bool Flag(string name) => Get(name) == "true";

    public string Word(int index, string what) =>
        index < Positional.Count ? Positional[index] : throw new UsageException($"missing {what}");

    /// <summary>Refuses options the command did not read, so a typo is never silently ignored.</summary>
    public void EnsureAllUsed()
    {
        var unknown = _options.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(u => "--" + u))}");
    }
}

internal sealed class UsageException(string message) : Exception(message);
