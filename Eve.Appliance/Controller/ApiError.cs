namespace Eve.Appliance.Controller;

/// <summary>
/// A refusal with its HTTP status. Services throw it; one mapper at the edge (ErrorMapping) turns it
/// into a text/plain answer. Nothing is stored before a request has passed every check that can
/// raise this.
/// </summary>
internal sealed class ApiError(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ApiError BadRequest(string m) => new(400, m);
    public static ApiError Unauthorized(string m) => new(401, m);
    public static ApiError Forbidden(string m) => new(403, m);
    public static ApiError NotFound(string m) => new(404, m);
    public static ApiError Conflict(string m) => new(409, m);
    public static ApiError TooLarge(string m) => new(413, m);
    public static ApiError Unprocessable(string m) => new(422, m);
}
