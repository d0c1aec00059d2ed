using System.Diagnostics;
using System.Security.Cryptography;
using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Bench;

/// <summary>`eve-appliance bench tpm`: starts its own swtpm (fresh state in a temp folder) and
/// measures (1) creating the TPM device identity: two primary keys persisted plus two certs signed
/// in the TPM, (2) loading the existing identity, (3) TPM ECDSA signatures per second through
/// IDeviceKey.SignDigest (the AuthContainer path, synchronous) and SignDigestAsync, and (4) a PCR quote.</summary>
internal static class TpmBench
{
    public static void Run(TextWriter output) => RunAsync(output).GetAwaiter().GetResult();

    private static async Task RunAsync(TextWriter output)
    {
        var root = Path.Combine(Path.GetTempPath(), "eve-tpmbench-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await using var swtpm = await SwtpmProcess.StartAsync(Path.Combine(root, "state")).ConfigureAwait(false);
            await using var tpm = swtpm.Connect();
            var folder = Path.Combine(root, "identity");
            await tpm.GetRandomAsync(8).ConfigureAwait(false); // connect and warm up the JIT outside the timing

            // The first identity pays for JIT of the certificate code; measure it, then a second one
            // (other handles, other folder) for the steady-state figure.
            var sw = Stopwatch.StartNew();
            await TpmDeviceKey.LoadOrCreateAsync(tpm, Path.Combine(root, "cold"), "bench-cold", TimeProvider.System,
                new TpmDeviceKeyHandles(0x81000300, 0x81000301)).ConfigureAwait(false);
            var cold = sw.Elapsed;
            sw.Restart();
            var key = await TpmDeviceKey.LoadOrCreateAsync(tpm, folder, "bench-serial", TimeProvider.System).ConfigureAwait(false);
            var create = sw.Elapsed;
            sw.Restart();
            await TpmDeviceKey.LoadOrCreateAsync(tpm, folder, "bench-serial", TimeProvider.System).ConfigureAwait(false);
            var reload = sw.Elapsed;

            var digest = SHA256.HashData("bench"u8);
            key.SignDigest(digest); // warm-up
            var n = 0;
            sw.Restart();
            while (sw.Elapsed < TimeSpan.FromSeconds(3))
            {
                key.SignDigest(digest);
                n++;
            }
            var signRate = n / sw.Elapsed.TotalSeconds;
            var m = 0;
            sw.Restart();
            while (sw.Elapsed < TimeSpan.FromSeconds(3))
            {
                await key.SignDigestAsync(digest).ConfigureAwait(false);
                m++;
            }
            var signAsyncRate = m / sw.Elapsed.TotalSeconds;

            var attestation = new TpmAttestation(tpm);
            var ak = await attestation.EnsureAttestationKeyAsync().ConfigureAwait(false);
            var nonce = RandomNumberGenerator.GetBytes(32);
            await attestation.QuoteAsync(ak.Handle, nonce).ConfigureAwait(false);
            sw.Restart();
            const int quotes = 20;
            for (var i = 0; i < quotes; i++) await attestation.QuoteAsync(ak.Handle, nonce).ConfigureAwait(false);
            var quoteMs = sw.Elapsed.TotalMilliseconds / quotes;

            output.WriteLine("tpm bench (swtpm 127.0.0.1 TCP, fresh state, this process is the only client)");
            output.WriteLine($"  create device identity (2 keys persisted + device and ECDH certs signed in TPM): {create.TotalMilliseconds:0} ms (first in process, with JIT: {cold.TotalMilliseconds:0} ms)");
            output.WriteLine($"  load existing identity (ReadPublic x2, certs from disk):                      {reload.TotalMilliseconds:0} ms");
            output.WriteLine($"  ECDSA P-256 signatures via IDeviceKey.SignDigest: {signRate:0} /s ({n} in 3 s, {1000 / signRate:0.00} ms each)");
            output.WriteLine($"  ECDSA P-256 signatures via TpmDeviceKey.SignDigestAsync: {signAsyncRate:0} /s ({m} in 3 s)");
            output.WriteLine($"  PCR quote (PCR_Read sha256:0-15 x2 + Quote):       {quoteMs:0.0} ms each ({quotes} runs)");
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
