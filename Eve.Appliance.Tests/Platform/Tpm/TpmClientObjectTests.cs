using System.Security.Cryptography;
using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Tests.Platform.Tpm;

/// <summary>Object and key commands against a real swtpm: CreatePrimary, Create, Load, ReadPublic,
/// EvictControl, FlushContext, Sign, ECDH_ZGen, and the errors an operator would see.</summary>
[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class TpmClientObjectTests : SwtpmFixture
{

    /// <summary>No resource manager: every test leaves the 3 object slots empty for the next.</summary>
    [TearDown]
    public async Task FlushTransients()
    {
        foreach (var h in await Tpm.GetHandlesAsync(TpmHandle.TransientFirst)) await Tpm.FlushContextAsync(h);
    }

    [Test]
    public async Task SignatureMadeInTpm_VerifiesWithItsPublicKey()
    {
        var key = await Tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccSigningKey());
        var digest = SHA256.HashData("hello"u8);
        var sig = await Tpm.SignAsync(key.Handle, digest);
        using var ecdsa = ECDsa.Create(key.Public.ToECParameters());
        Assert.That(ecdsa.VerifyHash(digest, sig.ToP1363()), Is.True);
        Assert.That(ecdsa.VerifyHash(digest, sig.ToDer(), DSASignatureFormat.Rfc3279DerSequence), Is.True);
        digest[0] ^= 1;
        Assert.That(ecdsa.VerifyHash(digest, sig.ToP1363()), Is.False);
    }

    [Test]
    public async Task CreatePrimary_InEndorsementHierarchy_MakesASigningKey()
    {
        var key = await Tpm.CreatePrimaryAsync(TpmHandle.Endorsement, TpmTemplates.EccSigningKey());
        Assert.That(key.Public.Curve, Is.EqualTo(TpmEccCurve.NistP256));
        Assert.That(key.Public.Attributes.HasFlag(TpmObjectAttributes.Sign), Is.True);
        Assert.That(key.Public.EccPoint!.X, Has.Length.EqualTo(32));
    }

    [Test]
    public async Task CreateAndLoad_ChildKeyUnderStorageKey_SignsVerifiably()
    {
        var parent = await Tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccStorageKey());
        var child = await Tpm.CreateAsync(parent.Handle, TpmTemplates.EccSigningKey(), TpmAuth.FromPassword("child"));
        var loaded = await Tpm.LoadAsync(parent.Handle, child);
        Assert.That(TpmHandle.IsTransient(loaded.Handle), Is.True);

        var digest = SHA256.HashData("child"u8);
        var sig = await Tpm.SignAsync(loaded.Handle, digest, TpmAuth.FromPassword("child"));
        using var ecdsa = ECDsa.Create(child.Public.ToECParameters());
        Assert.That(ecdsa.VerifyHash(digest, sig.ToP1363()), Is.True);
    }

    [Test]
    public async Task ReadPublic_ReturnsTheKeyAndNameCreatePrimaryReturned()
    {
        var key = await Tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccEcdhKey());
        var read = await Tpm.ReadPublicAsync(key.Handle);
        Assert.That(read.Public.SameKeyAs(key.Public), Is.True);
        Assert.That(read.Name, Is.EqualTo(key.Name));
        // A TPM name is nameAlg (0x000b) followed by SHA-256 of the public area.
        Assert.That(read.Name[..2], Is.EqualTo(new byte[] { 0x00, 0x0b }));
        Assert.That(read.Name[2..], Is.EqualTo(SHA256.HashData(read.Public.Encode())));
    }

    [Test]
    public async Task EvictControl_PersistsKeyUntilEvicted()
    {
        const uint handle = 0x81000100;
        var key = await Tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccSigningKey());
        await Tpm.PersistAsync(key.Handle, handle);
        await Tpm.FlushContextAsync(key.Handle);

        Assert.That(await Tpm.GetHandlesAsync(TpmHandle.PersistentFirst), Does.Contain(handle));
        var digest = SHA256.HashData("persisted"u8);
        var sig = await Tpm.SignAsync(handle, digest);
        using var ecdsa = ECDsa.Create(key.Public.ToECParameters());
        Assert.That(ecdsa.VerifyHash(digest, sig.ToP1363()), Is.True);

        await Tpm.EvictAsync(handle);
        Assert.That(await Tpm.GetHandlesAsync(TpmHandle.PersistentFirst), Does.Not.Contain(handle));
        var e = Assert.ThrowsAsync<TpmException>(() => Tpm.ReadPublicAsync(handle));
        Assert.That(e!.RcName, Is.EqualTo("TPM_RC_HANDLE"));
    }

    [Test]
    public async Task Sign_WithWrongPassword_FailsNamingTheAuthError()
    {
        var key = await Tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccSigningKey(), TpmAuth.FromPassword("right"));
        var e = Assert.ThrowsAsync<TpmException>(() =>
            Tpm.SignAsync(key.Handle, SHA256.HashData("x"u8), TpmAuth.FromPassword("wrong")));
        Assert.That(e!.RcName, Is.AnyOf("TPM_RC_AUTH_FAIL", "TPM_RC_BAD_AUTH"));
        Assert.That(e.Message, Does.StartWith("TPM2_Sign failed"));
        Assert.That(e.Message, Does.Contain("on session 1").And.Contain("check the password"));
        TestContext.Out.WriteLine(e.Message);
    }

    [Test]
    public async Task UsingFlushedHandle_FailsNamingTheMissingObject()
    {
        var key = await Tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccSigningKey());
        await Tpm.FlushContextAsync(key.Handle);

        var flushAgain = Assert.ThrowsAsync<TpmException>(() => Tpm.FlushContextAsync(key.Handle));
        Assert.That(flushAgain!.RcName, Is.EqualTo("TPM_RC_HANDLE"));
        Assert.That(flushAgain.Message, Does.StartWith("TPM2_FlushContext failed").And.Contain("flushed"));

        var sign = Assert.ThrowsAsync<TpmException>(() => Tpm.SignAsync(key.Handle, SHA256.HashData("x"u8)));
        Assert.That(sign!.RcName, Is.AnyOf("TPM_RC_HANDLE", "TPM_RC_REFERENCE_H0"));
        Assert.That(sign.Message, Does.Contain("not loaded").Or.Contain("flushed"));
        TestContext.Out.WriteLine(flushAgain.Message);
        TestContext.Out.WriteLine(sign.Message);
    }

    [Test]
    public async Task FillingObjectSlots_FailsWithObjectMemoryAdvice()
    {
        var parent = await Tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccStorageKey());
        var child = await Tpm.CreateAsync(parent.Handle, TpmTemplates.EccSigningKey());
        TpmException? error = null;
        var loaded = 0;
        for (var i = 0; i < 16 && error is null; i++)
        {
            try
            {
                await Tpm.LoadAsync(parent.Handle, child);
                loaded++;
            }
            catch (TpmException e)
            {
                error = e;
            }
        }
        Assert.That(error, Is.Not.Null, "swtpm has 3 object slots; 16 loads must exhaust them");
        Assert.That(loaded, Is.GreaterThanOrEqualTo(2));
        Assert.That(error!.Message, Is.EqualTo(
            $"TPM2_Load failed (parent {TpmHandle.Format(parent.Handle)}): TPM_RC_OBJECT_MEMORY (0x902): " +
            "out of memory for object contexts; flush transient objects (no resource manager flushes them for us)"));
    }

    [Test]
    public async Task EcdhZGen_EqualsEcdhComputedInSoftwareFromThePeerSide()
    {
        var key = await Tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccEcdhKey());
        using var peer = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        var z = await Tpm.EcdhZGenAsync(key.Handle, TpmEccPoint.From(peer.ExportParameters(false).Q));

        using var tpmSide = ECDiffieHellman.Create(key.Public.ToECParameters());
        var expected = peer.DeriveRawSecretAgreement(tpmSide.PublicKey);
        Assert.That(z.X, Is.EqualTo(expected));
    }

    [Test]
    public async Task EcdhZGen_WithPointOffTheCurve_IsRefused()
    {
        var key = await Tpm.CreatePrimaryAsync(TpmHandle.Owner, TpmTemplates.EccEcdhKey());
        var bogus = new TpmEccPoint(Enumerable.Repeat((byte)1, 32).ToArray(), Enumerable.Repeat((byte)2, 32).ToArray());
        var e = Assert.ThrowsAsync<TpmException>(() => Tpm.EcdhZGenAsync(key.Handle, bogus));
        Assert.That(e!.RcName, Is.EqualTo("TPM_RC_ECC_POINT"));
    }
}
