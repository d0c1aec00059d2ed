using Jint;
using Jint.Runtime;

namespace Eve.Appliance.Agent.Connectivity;

/// <summary>A proxy auto-config (PAC) script run by Jint, with the standard helper functions
/// (<c>isPlainHostName</c>, <c>dnsDomainIs</c>, <c>localHostOrDomainIs</c>, <c>isResolvable</c>,
/// <c>isInNet</c>, <c>dnsResolve</c>, <c>myIpAddress</c>, <c>dnsDomainLevels</c>, <c>shExpMatch</c>,
/// <c>weekdayRange</c>, <c>dateRange</c>, <c>timeRange</c>, <c>convert_addr</c>). Name lookups and "my
/// address" come from the port the traffic will leave by, so they are passed in. Scripts come from the
/// network, so each call is bounded in time, statements and recursion.</summary>
internal sealed class PacScript
{
    private readonly Engine _engine;
    private readonly Lock _lock = new();

    public PacScript(string script, Func<string, string?> dnsResolve, Func<string> myIpAddress)
    {
        _engine = new Engine(o => o.TimeoutInterval(TimeSpan.FromSeconds(5)).MaxStatements(1_000_000).LimitRecursion(256));
        _engine.SetValue("dnsResolve", new Func<string, string?>(h => dnsResolve(h)));
        _engine.SetValue("myIpAddress", new Func<string>(() => myIpAddress()));
        _engine.Execute(PacHelpers.Script);
        try
        {
            _engine.Execute(script);
        }
        catch (Exception e) when (e is JintException or Acornima.ParseErrorException or TimeoutException)
        {
            throw new FormatException($"PAC script does not run: {e.Message}", e);
        }
        if (_engine.GetValue("FindProxyForURL").IsUndefined())
            throw new FormatException("PAC script defines no FindProxyForURL(url, host)");
    }

    /// <summary>The script's answer for <paramref name="url"/>, e.g. <c>"PROXY 10.1.2.1:3128; DIRECT"</c>.</summary>
    public string FindProxyForUrl(Uri url)
    {
        lock (_lock)
        {
            try
            {
                return _engine.Invoke("FindProxyForURL", url.GetLeftPart(UriPartial.Path), url.Host).ToString();
            }
            catch (Exception e) when (e is JintException or TimeoutException)
            {
                throw new FormatException($"PAC FindProxyForURL({url}) failed: {e.Message}", e);
            }
        }
    }

    /// <summary>The entries of a PAC answer in order: null for <c>DIRECT</c>, else <c>host:port</c> of a
    /// <c>PROXY</c>/<c>HTTP</c>/<c>HTTPS</c> entry (SOCKS entries are skipped: the agent speaks HTTP proxies).</summary>
    public static IReadOnlyList<string?> ParseAnswer(string answer)
    {
        var result = new List<string?>();
        foreach (var part in answer.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words[0].ToUpperInvariant())
            {
                case "DIRECT":
                    result.Add(null);
                    break;
                case "PROXY" or "HTTP" or "HTTPS" when words.Length > 1:
                    result.Add(words[1]);
                    break;
            }
        }
        return result;
    }
}
