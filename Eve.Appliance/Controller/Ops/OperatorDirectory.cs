using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Store;
using LiteDB;

namespace Eve.Appliance.Controller.Ops;

/// <summary>Operators, their tokens and certificates: who may use the operator API, as what.</summary>
internal sealed class OperatorDirectory(ControllerStore store, TimeProvider time)
{
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    private readonly ILiteCollection<OperatorDoc> _operators = store.Collection<OperatorDoc>("operators");
    private readonly ILiteCollection<TokenDoc> _tokens = store.Collection<TokenDoc>("op_tokens");

    /// <summary>On the first start (no operators yet) makes "admin" with a random password and an
    /// API token, and returns them so they can be shown once; later starts return null.</summary>
    public FirstStartCredentials? Bootstrap()
    {
        if (_operators.Count() > 0) return null;
        var password = PasswordHasher.NewSecret()[..24];
        _operators.Insert(new OperatorDoc { Name = "admin", Role = Roles.Admin, PasswordHash = PasswordHasher.Hash(password), CreatedAt = Now });
        var token = IssueToken("admin", Roles.Admin, "first-start", "api", null);
        return new FirstStartCredentials("admin", password, token);
    }

    public IReadOnlyList<OperatorDoc> List() => _operators.FindAll().OrderBy(o => o.Name, StringComparer.Ordinal).ToList();

    public OperatorDoc Get(string name) => _operators.FindById(name) ?? throw ApiError.NotFound($"no operator '{name}'");

    public OperatorDoc Add(string name, string role, string? password)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or '@')))
            throw ApiError.BadRequest($"name '{name}': letters, digits and - _ . @ only");
        if (!Roles.All.Contains(role)) throw ApiError.BadRequest($"role '{role}': must be one of {string.Join(", ", Roles.All)}");
        if (password is { Length: < 12 }) throw ApiError.BadRequest("password: at least 12 characters");
        if (_operators.FindById(name) != null) throw ApiError.Conflict($"operator '{name}' exists");
        var doc = new OperatorDoc { Name = name, Role = role, PasswordHash = password == null ? "" : PasswordHasher.Hash(password), CreatedAt = Now };
        _operators.Insert(doc);
        return doc;
    }

    public string AddCertificate(string name, string pem)
    {
        var op = Get(name);
        X509Certificate2 cert;
        try { cert = X509Certificate2.CreateFromPem(pem); }
        catch (CryptographicException e) { throw ApiError.BadRequest($"certPem: not a PEM certificate ({e.Message})"); }
        using (cert)
        {
            var thumb = Convert.ToHexStringLower(SHA256.HashData(cert.RawData));
            if (!op.CertThumbprints.Contains(thumb)) op.CertThumbprints.Add(thumb);
            _operators.Update(op);
            return thumb;
        }
    }

    /// <summary>Makes a token for an operator; its role may not exceed the operator's.</summary>
    public string IssueToken(string operatorName, string role, string name, string kind, TimeSpan? lifetime)
    {
        var op = Get(operatorName);
        if (!Roles.All.Contains(role)) throw ApiError.BadRequest($"role '{role}': must be one of {string.Join(", ", Roles.All)}");
        if (!Roles.Allows(op.Role, role)) throw ApiError.BadRequest($"role '{role}': operator '{operatorName}' is only {op.Role}");
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = PasswordHasher.NewSecret();
        _tokens.Insert(new TokenDoc
        {
            Id = id, Operator = operatorName, Role = role, Name = name, Kind = kind, SecretHash = PasswordHasher.TokenHash(secret),
            CreatedAt = Now, ExpiresAt = lifetime is { } l ? Now + l : null,
        });
        return $"eva_{id}_{secret}";
    }

    public IReadOnlyList<TokenDoc> Tokens() => _tokens.FindAll().OrderBy(t => t.CreatedAt).ToList();

    public bool Revoke(string id) => _tokens.Delete(id);

    /// <summary>Password login: a session token, or null when the name or password is wrong.</summary>
    public (string Token, OperatorDoc Operator)? Login(string name, string password)
    {
        var op = _operators.FindById(name);
        if (op == null || op.PasswordHash == "" || !PasswordHasher.Verify(password, op.PasswordHash)) return null;
        return (IssueToken(name, op.Role, "session", "session", SessionLifetime), op);
    }

    public OperatorIdentity? ByToken(string token)
    {
        // "eva_" + 12 hex id + "_" + secret (the secret is base64url, so it may hold '_' itself).
        if (token.Length < 18 || !token.StartsWith("eva_", StringComparison.Ordinal) || token[16] != '_') return null;
        var id = token[4..16];
        var secret = token[17..];
        var doc = _tokens.FindById(id);
        if (doc == null || (doc.ExpiresAt is { } exp && exp <= Now)) return null;
        if (!CryptographicOperations.FixedTimeEquals(Convert.FromHexString(doc.SecretHash), Convert.FromHexString(PasswordHasher.TokenHash(secret)))) return null;
        var op = _operators.FindById(doc.Operator);
        if (op == null) return null;
        var role = Roles.Rank(doc.Role) <= Roles.Rank(op.Role) ? doc.Role : op.Role;
        return new OperatorIdentity(op.Name, role, doc.Kind == "session" ? "session" : $"token {doc.Id}");
    }

    public OperatorIdentity? ByCertificate(X509Certificate2 cert)
    {
        var thumb = Convert.ToHexStringLower(SHA256.HashData(cert.RawData));
        var op = _operators.FindAll().FirstOrDefault(o => o.CertThumbprints.Contains(thumb));
        return op == null ? null : new OperatorIdentity(op.Name, op.Role, "client-cert");
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
