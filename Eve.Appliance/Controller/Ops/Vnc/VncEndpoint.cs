namespace Eve.Appliance.Controller.Ops.Vnc;

/// <summary>Where an app's VNC display is reached from the controller, and why there.</summary>
internal sealed record VncEndpoint(string DeviceId, string DeviceName, string AppId, string AppName, string Host, int Port, string? Password, string Why)
{
    public override string ToString() => $"{Host}:{Port}";
}
