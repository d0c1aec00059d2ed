namespace Eve.Appliance.Controller.Objects.Model;

/// <summary>An EVE config item (key = value, e.g. timer.config.interval = 60). The name is the key.</summary>
public sealed class ConfigItemObject : OpsObject
{
    public string Value { get; set; } = "";
}
