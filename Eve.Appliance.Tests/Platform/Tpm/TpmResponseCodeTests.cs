using Eve.Appliance.Platform.Tpm;

namespace Eve.Appliance.Tests.Platform.Tpm;

[TestFixture]
public sealed class TpmResponseCodeTests
{
    [TestCase(0x902u, "TPM_RC_OBJECT_MEMORY (0x902): out of memory for object contexts; flush transient objects")]
    [TestCase(0x98Eu, "TPM_RC_AUTH_FAIL (0x98e) on session 1: the authorization HMAC check failed")]
    [TestCase(0x9A2u, "TPM_RC_BAD_AUTH (0x9a2) on session 1: authorization failure without DA implications")]
    [TestCase(0x18Bu, "TPM_RC_HANDLE (0x18b) on handle 1: the handle is not correct for the use")]
    [TestCase(0x1CBu, "TPM_RC_HANDLE (0x1cb) on parameter 1:")]
    [TestCase(0x2C4u, "TPM_RC_VALUE (0x2c4) on parameter 2:")]
    [TestCase(0x100u, "TPM_RC_INITIALIZE (0x100): TPM not initialized")]
    [TestCase(0x910u, "TPM_RC_REFERENCE_H0 (0x910): the 1st handle in the handle area references a transient object or session that is not loaded")]
    [TestCase(0x14Cu, "TPM_RC_NV_DEFINED (0x14c): NV index or persistent object already defined")]
    [TestCase(0xB0902u, "TPM_RC_OBJECT_MEMORY (0xb0902) from software layer 11:")]
    [TestCase(0x17Fu, "unknown response code (0x17f): not listed")]
    [TestCase(0x001Eu, "TPM 1.2 response code (0x1e)")]
    public void Describe_NamesTheCodeAndWhatItIsAbout(uint rc, string expectedStart)
    {
        Assert.That(new TpmResponseCode(rc).Describe(), Does.StartWith(expectedStart));
    }

    [Test]
    public void Exception_NamesCommandContextAndCode()
    {
        var e = new TpmException(TpmCc.Load, 0x902, "parent 0x80000000");
        Assert.That(e.Message, Does.StartWith("TPM2_Load failed (parent 0x80000000): TPM_RC_OBJECT_MEMORY (0x902)"));
        Assert.That(new TpmException(TpmCc.EcdhZGen, 0x9A2).Message, Does.StartWith("TPM2_ECDH_ZGen failed: TPM_RC_BAD_AUTH"));
    }
}
