using Eve.Appliance.Agent.Identity;
using Eve.Appliance.Agent.ObjectCrypto;
using Eve.Appliance.Controller.Crypto;
using Eve.Appliance.Controller.Pki;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Tests.Agent.ObjectCrypto;

/// <summary>A real controller PKI (as `pki init` makes it) and configs with secrets in them, sealed
/// by the controller's <see cref="SecretSealer"/> for a device key.</summary>
internal sealed class SealedConfigs : IDisposable
{
    public const string AppId = "6f1c7c52-0d3e-4f7a-9d0a-3c2b1a000001";
    public const string DatastoreId = "6f1c7c52-0d3e-4f7a-9d0a-3c2b1a000002";
    public const string UserData = "I2Nsb3VkLWNvbmZpZwpwYXNzd29yZDogczNjcjN0Cg=="; // base64 cloud-init
    public const string ApiKey = "registry-user";
    public const string Password = "p@ss-w0rd/with+chars";

    public SealedConfigs(string dataDir)
    {
        PkiInitializer.Init(dataDir, "127.0.0.1");
        Pki = ControllerPki.Load(dataDir);
        Sealer = new SecretSealer(Pki);
    }

    public ControllerPki Pki { get; }
    public SecretSealer Sealer { get; }

    public static EdgeDevConfig Clear()
    {
        var config = new EdgeDevConfig { Id = new UUIDandVersion { Uuid = Guid.NewGuid().ToString(), Version = "1" } };
        config.Apps.Add(new AppInstanceConfig { Uuidandversion = new UUIDandVersion { Uuid = AppId, Version = "1" }, Displayname = "web", UserData = UserData });
        config.Datastores.Add(new DatastoreConfig { Id = DatastoreId, DType = DsType.DsHttps, Fqdn = "images.example", ApiKey = ApiKey, Password = Password });
        var wifi = new WifiConfig { WifiSSID = "plant", Identity = "wifi-user", Password = "wifi-pass" };
        var net = new NetworkConfig { Id = Guid.NewGuid().ToString(), Wireless = new WirelessConfig() };
        net.Wireless.WifiCfg.Add(wifi);
        config.Networks.Add(net);
        return config;
    }

    public EdgeDevConfig SealFor(IDeviceKey key) =>
        Sealer.Seal(Clear(), System.Text.Encoding.ASCII.GetString(EdgeNodeCerts.EcdhPem(key)));

    public ObjectDecryptor DecryptorFor(IDeviceKey key) =>
        new(key, () => Pki.CertsMessage, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    public void Dispose()
    {
        Sealer.Dispose();
        Pki.Dispose();
    }
}
