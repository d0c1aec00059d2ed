namespace Eve.Appliance.Controller.Objects;

/// <summary>Why a config was stored and who asked: default (onboarding), objects (compiled),
/// raw (a whole EdgeDevConfig from `config set`) or "revert to N".</summary>
internal sealed record ConfigChange(string Source, string Actor)
{
    public static readonly ConfigChange Default = new("default", "controller");

    /// <summary>`config set` over the admin socket, whose file mode is its authentication.</summary>
    public static readonly ConfigChange Raw = new("raw", "local");

    public bool IsRaw => Source == "raw" || Source.StartsWith("revert", StringComparison.Ordinal);
}
