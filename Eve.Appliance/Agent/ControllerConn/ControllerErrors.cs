namespace Eve.Appliance.Agent.ControllerConn;

/// <summary>The controller could not be reached or answered 5xx/503: try again later.</summary>
internal sealed class ControllerUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The controller answered with a refusal (4xx). <see cref="Status"/> drives what the
/// agent does: 404 → re-check the UUID, 403 → re-attest, others → log and drop.</summary>
internal sealed class ControllerRefusedException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>A response that is not signed by the controller we trust.</summary>
internal sealed class ControllerTrustException(string message) : Exception(message);
