namespace Eve.Appliance.Platform.Net;

/// <summary>nftables, one whole table at a time, in a network namespace or the current one (null).</summary>
internal interface INftClient
{
    /// <summary>Replaces table <paramref name="family"/> <paramref name="name"/> with <paramref name="tableText"/>
    /// (a complete <c>table FAMILY NAME { … }</c>) in one <c>nft -f -</c> transaction: either the whole new
    /// table is in force or the old one still is.</summary>
    Task ApplyTableAsync(string family, string name, string tableText, string? netns, CancellationToken ct);

    /// <summary>Deletes the table; false when it did not exist.</summary>
    Task<bool> DeleteTableAsync(string family, string name, string? netns, CancellationToken ct);

    Task<IReadOnlyList<(string Family, string Name)>> ListTablesAsync(string? netns, CancellationToken ct);

    /// <summary>The table as <c>nft -j list table</c> JSON, or null when absent.</summary>
    Task<string?> GetTableJsonAsync(string family, string name, string? netns, CancellationToken ct);

    /// <summary>The table's <c>comment</c>, which our tables use to carry a hash of their text; null when
    /// the table is absent or has no comment.</summary>
    Task<string?> GetTableCommentAsync(string family, string name, string? netns, CancellationToken ct);
}
