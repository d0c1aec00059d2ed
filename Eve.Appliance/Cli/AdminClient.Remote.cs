using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Eve.Appliance.Cli;

/// <summary>
/// The same client over the controller's TLS operator listener (<c>--ops-listen</c>) instead of the
/// local socket: a bearer token, and the controller's CA pinned (<c>--ca</c>), since the controller
/// makes its own PKI and no public CA vouches for it. Only /api/ops/ is served there.
/// </summary>
internal sealed partial class AdminClient
{
    private string? _tlsFailure;

    private AdminClient(HttpClient http, Uri remote)
    {
        _http = http;
        Remote = remote;
    }

    /// <summary>The controller's https:// address when this client talks over TLS; null on the local socket.</summary>
    public Uri? Remote { get; }

    public static AdminClient Connect(Uri server, string token, string? caFile)
    {
        if (server.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"--server '{server}': must be https://HOST:PORT (the controller's --ops-listen is TLS only)");
        X509Certificate2Collection? pinned = null;
        if (caFile != null)
        {
            pinned = [];
            try { pinned.ImportFromPemFile(caFile); }
            catch (CryptographicException e) { throw new InvalidDataException($"--ca {caFile}: not a PEM certificate ({e.Message})"); }
            if (pinned.Count == 0) throw new InvalidDataException($"--ca {caFile}: no certificate in it (expected the controller's DATA/pki/root-ca.cert.pem)");
        }
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(15) };
        AdminClient? self = null;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
        {
            var why = CertificateProblem(cert, errors, pinned, caFile);
            if (why != null && self != null) self._tlsFailure = why;
            return why == null;
        };
        var http = new HttpClient(handler) { BaseAddress = new Uri(server.GetLeftPart(UriPartial.Authority) + "/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        self = new AdminClient(http, server);
        return self;
    }

    /// <summary>Null when the server's certificate is acceptable, else why not: chained to the pinned CA
    /// (or, without one, trusted by the system) and made for the host name used.</summary>
    private static string? CertificateProblem(X509Certificate? presented, SslPolicyErrors errors, X509Certificate2Collection? pinned, string? caFile)
    {
        if (presented is not X509Certificate2 cert) return "the server sent no certificate";
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return $"the server's certificate ({cert.Subject}) is not made for the host name used; use a name or address in it (the controller's own PKI has its --server-name, localhost and 127.0.0.1)";
        if (pinned == null)
            return errors == SslPolicyErrors.None ? null
                : $"the server's certificate ({cert.Subject}, issued by {cert.Issuer}) is not trusted by this system; pin the controller's CA with --ca FILE (DATA/pki/root-ca.cert.pem on the controller)";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(pinned);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(cert)) return null;
        var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return $"the server's certificate ({cert.Subject}, issued by {cert.Issuer}) does not chain to the CA pinned with --ca {caFile}: {status}; is this the right controller, and the right CA file?";
    }

    private Exception Unreachable(Exception e)
    {
        var where = Remote!.GetLeftPart(UriPartial.Authority);
        if (e is TaskCanceledException) return new ControllerUnreachableException($"no answer from the controller at {where} within 30 s", e);
        var inner = e.InnerException;
        if (inner is AuthenticationException || _tlsFailure != null)
            return new ControllerUnreachableException($"TLS to {where} refused: {_tlsFailure ?? inner?.Message ?? e.Message}", e);
        if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            return new ControllerUnreachableException($"nothing listens on {where} (connection refused): is the controller running with --ops-listen on that address?", e);
        return new ControllerUnreachableException($"cannot reach the controller at {where}: {e.Message}", e);
    }

    /// <summary>The controller's refusal in its words; over TLS, 401 and 403 also say what to do.</summary>
    private AdminRefusedException Refused(HttpResponseMessage resp, string body)
    {
        var status = (int)resp.StatusCode;
        var text = body.Trim();
        if (Remote == null) return new AdminRefusedException(status, text);
        var words = text.StartsWith('{') ? OpsCtl.Readable(text) : text;
        return status switch
        {
            401 => new AdminRefusedException(status, $"{words}\n(check --token or EVE_OPS_TOKEN: `POST /api/ops/v1/login` or `ctl token create` on the controller gives one)"),
            403 => new AdminRefusedException(status, $"{words}\n(the token's role is too low for this; ask an admin for an operator or admin token)"),
            404 when !text.StartsWith('{') => new AdminRefusedException(status, $"{resp.RequestMessage?.RequestUri?.AbsolutePath}: not served by the TLS listener (only /api/ops/v1 is)"),
            _ => new AdminRefusedException(status, words),
        };
    }

    /// <summary>Every item of a paged list: follows the <c>Link: rel="next"</c> the API sends until the
    /// last page, so a listing shows everything whatever the server's page size.</summary>
    public async Task<JsonArray> GetAllAsync(string path, int pageSize = 1000, int max = int.MaxValue)
    {
        var all = new JsonArray();
        string? next = path + (path.Contains('?') ? "&" : "?") + $"limit={Math.Min(pageSize, max)}";
        while (next != null && all.Count < max)
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, next);
            HttpResponseMessage resp;
            try
            {
                resp = await _http.SendAsync(req).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.InnerException is ControllerNotRunningException inner)
            {
                throw inner;
            }
            catch (Exception e) when (Remote != null && e is HttpRequestException or TaskCanceledException)
            {
                throw Unreachable(e);
            }
            using (resp)
            {
                var text = await resp.Content.ReadAsStringAsync().ConfigureAwait(false);
                if (!resp.IsSuccessStatusCode) throw Refused(resp, text);
                if (JsonNode.Parse(text) is not JsonArray page) throw new InvalidDataException($"GET {next}: expected a JSON array");
                foreach (var item in page.ToList())
                {
                    if (all.Count >= max) break;
                    page.Remove(item);
                    all.Add(item);
                }
                next = NextLink(resp);
            }
        }
        return all;
    }

    private static string? NextLink(HttpResponseMessage resp)
    {
        if (!resp.Headers.TryGetValues("Link", out var links)) return null;
        foreach (var link in links.SelectMany(l => l.Split(',')))
        {
            var parts = link.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Length > 1 && parts[0].StartsWith('<') && parts[0].EndsWith('>') && parts.Skip(1).Any(p => p is "rel=\"next\"" or "rel=next"))
                return parts[0][1..^1];
        }
        return null;
    }
}

