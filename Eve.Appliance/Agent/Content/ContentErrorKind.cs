namespace Eve.Appliance.Agent.Content;

internal enum ContentErrorKind
{
    InvalidArgument,
    /// <summary>The datastore has no such object (404/410, missing file).</summary>
    NotFound,
    /// <summary>The datastore refused our credentials or certificate (401/403, TLS trust).</summary>
    Unauthorized,
    /// <summary>The datastore is unreachable, overloaded (5xx, 429) or broke the connection.</summary>
    Unavailable,
    /// <summary>No bytes arrived for the stall timeout.</summary>
    Stalled,
    /// <summary>The bytes do not hash to the expected sha256.</summary>
    HashMismatch,
    /// <summary>The datastore's length differs from the size the config promised.</summary>
    SizeMismatch,
    /// <summary>The datastore answered something a download cannot use.</summary>
    Protocol,
    /// <summary>The blob does not fit in the free space of the store's file system.</summary>
    NoSpace,
}
