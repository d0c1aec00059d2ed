namespace Eve.Appliance.Tests.Support;

/// <summary>Waits for a condition that real processes reach asynchronously. The limit is a guard
/// against hanging, not a speed assertion: it is generous, and speed is measured by `make bench`.</summary>
internal static class Eventually
{
    public static Task<T> WaitAsync<T>(Func<Task<T?>> probe, string what, double seconds = 60) where T : class =>
        WaitAsync(probe, () => what, seconds);

    /// <summary>As above; <paramref name="what"/> is evaluated when giving up, so it can describe the last state seen.</summary>
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, Func<string> what, double seconds = 60) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await probe() is { } value) return value;
            }
            catch (Exception e) when (e is not AssertionException)
            {
                last = e;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"gave up waiting for {what()} after {seconds} s{(last != null ? $"; last error: {last.Message}" : "")}");
        throw new InvalidOperationException("unreachable");
    }

    public static Task WaitAsync(Func<Task<bool>> probe, string what, double seconds = 60) =>
        WaitAsync<object>(async () => await probe() ? new object() : null, what, seconds);

    public static Task WaitAsync(Func<bool> probe, string what, double seconds = 60) =>
        WaitAsync(() => Task.FromResult(probe()), what, seconds);

    /// <summary>As above; <paramref name="what"/> is evaluated when giving up.</summary>
    public static Task WaitAsync(Func<bool> probe, Func<string> what, double seconds = 60) =>
        WaitAsync<object>(() => Task.FromResult(probe() ? new object() : null), what, seconds);
}
