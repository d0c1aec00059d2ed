using System.Security.Cryptography;
using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Tests.Platform.Tpm;

/// <summary>PCR_Read, PCR_Extend and the NV commands against a real swtpm.</summary>
[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class TpmClientPcrNvTests : SwtpmFixture
{

    [Test]
    public async Task PcrRead_ReturnsEveryRequestedPcr_EvenBeyondEightPerCall()
    {
        var values = await Tpm.PcrReadAsync(TpmPcrSelection.Sha256(Enumerable.Range(0, 24).ToArray()));
        Assert.That(values.Keys, Is.EqualTo(Enumerable.Range(0, 24)));
        Assert.That(values.Values.Select(v => v.Length), Is.All.EqualTo(32));
        // After reset PCRs 0-16 and 23 are zero, 17-22 (locality/DRTM) are all ones.
        Assert.That(values[0], Is.EqualTo(new byte[32]));
        Assert.That(values[17], Is.EqualTo(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
    }

    [Test]
    public async Task PcrExtend_SetsPcrToHashOfOldValueAndDigest()
    {
        const int pcr = 16; // the debug PCR: nothing else here uses it
        var before = (await Tpm.PcrReadAsync(TpmPcrSelection.Sha256(pcr)))[pcr];
        var digest = SHA256.HashData("measured thing"u8);

        await Tpm.PcrExtendAsync(pcr, TpmAlg.Sha256, digest);

        var after = (await Tpm.PcrReadAsync(TpmPcrSelection.Sha256(pcr)))[pcr];
        Assert.That(after, Is.EqualTo(SHA256.HashData([.. before, .. digest])));
    }

    [Test]
    public async Task NvDefineWriteRead_RoundTripsAcrossChunks_AndUndefineRemovesIndex()
    {
        const uint index = 0x01500100;
        var data = RandomNumberGenerator.GetBytes(1800); // more than one TPM_PT_NV_BUFFER_MAX chunk on swtpm
        await Tpm.NvDefineSpaceAsync(TpmNvPublic.OwnerReadWrite(index, (ushort)data.Length));
        try
        {
            await Tpm.NvWriteAsync(index, data, authHandle: TpmHandle.Owner);
            Assert.That(await Tpm.NvReadAsync(index, data.Length, authHandle: TpmHandle.Owner), Is.EqualTo(data));
            Assert.That(await Tpm.NvReadAsync(index, 10, offset: 1000), Is.EqualTo(data[1000..1010]), "index auth (authRead) works too");
            var pub = await Tpm.NvReadPublicAsync(index);
            Assert.That(pub.DataSize, Is.EqualTo(data.Length));
            Assert.That(pub.Attributes.HasFlag(TpmNvAttributes.Written), Is.True);
        }
        finally
        {
            await Tpm.NvUndefineSpaceAsync(index);
        }
        Assert.That(await Tpm.GetHandlesAsync(TpmHandle.NvIndexFirst), Does.Not.Contain(index));
    }

    [Test]
    public async Task NvRead_BeforeAnyWrite_FailsNamingUninitializedIndex()
    {
        const uint index = 0x01500101;
        await Tpm.NvDefineSpaceAsync(TpmNvPublic.OwnerReadWrite(index, 16));
        try
        {
            var e = Assert.ThrowsAsync<TpmException>(() => Tpm.NvReadAsync(index, 16));
            Assert.That(e!.RcName, Is.EqualTo("TPM_RC_NV_UNINITIALIZED"));
            Assert.That(e.Message, Does.Contain("index 0x01500101").And.Contain("write the index before reading it"));
        }
        finally
        {
            await Tpm.NvUndefineSpaceAsync(index);
        }
    }

    [Test]
    public async Task NvDefine_OfExistingIndex_FailsNamingTheConflict()
    {
        const uint index = 0x01500102;
        await Tpm.NvDefineSpaceAsync(TpmNvPublic.OwnerReadWrite(index, 8));
        try
        {
            var e = Assert.ThrowsAsync<TpmException>(() => Tpm.NvDefineSpaceAsync(TpmNvPublic.OwnerReadWrite(index, 8)));
            Assert.That(e!.RcName, Is.EqualTo("TPM_RC_NV_DEFINED"));
        }
        finally
        {
            await Tpm.NvUndefineSpaceAsync(index);
        }
    }

    [Test]
    public async Task NvWrite_WithWrongIndexPassword_FailsNamingTheAuthError()
    {
        const uint index = 0x01500103;
        await Tpm.NvDefineSpaceAsync(TpmNvPublic.OwnerReadWrite(index, 8), TpmAuth.FromPassword("nv-secret"));
        try
        {
            await Tpm.NvWriteAsync(index, new byte[8], auth: TpmAuth.FromPassword("nv-secret"));
            var e = Assert.ThrowsAsync<TpmException>(() => Tpm.NvWriteAsync(index, new byte[8], auth: TpmAuth.FromPassword("guess")));
            Assert.That(e!.RcName, Is.AnyOf("TPM_RC_AUTH_FAIL", "TPM_RC_BAD_AUTH"));
            Assert.That(e.Message, Does.StartWith("TPM2_NV_Write failed"));
        }
        finally
        {
            await Tpm.NvUndefineSpaceAsync(index);
        }
    }
}
