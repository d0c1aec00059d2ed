using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Eve.Appliance.Controller.Ops;

/// <summary>Operator passwords as PBKDF2-HMAC-SHA256 (BCL), "pbkdf2-sha256$iterations$salt$hash",
/// so the iteration count can grow without invalidating stored hashes.</summary>
internal static class PasswordHasher
{
    public const int Iterations = 210_000; // OWASP 2023 figure for PBKDF2-HMAC-SHA256

    public static string Hash(string password, int iterations = Iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts is not ["pbkdf2-sha256", var iter, var salt, var hash] || !int.TryParse(iter, CultureInfo.InvariantCulture, out var iterations)) return false;
        var expected = Convert.FromBase64String(hash);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(salt), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A random secret for tokens and first-start passwords (URL-safe, 256 bits).</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Tokens carry 256 random bits, so a fast hash is enough to keep them unusable if the
    /// store leaks (PBKDF2 is for guessable passwords, and would cost ~0.2 s per request).</summary>
    public static string TokenHash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
