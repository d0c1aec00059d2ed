using System.Net;
using System.Security.Authentication;
using Eve.Appliance.Controller.Admin;
using Eve.Appliance.Controller.Configs;
using Eve.Appliance.Controller.Devices;
using Eve.Appliance.Controller.Endpoints;
using Eve.Appliance.Controller.Images;
using Eve.Appliance.Controller.Pki;
using Eve.Appliance.Controller.Telemetry;
using Eve.Appliance.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Controller;

/// <summary>
/// The embedded controller as a hosted service: opens the store and PKI (making the PKI on first
/// start), then serves the EVE device API over HTTPS and the operator API on a unix socket.
/// </summary>
internal sealed class ControllerServer(ControllerOptions options, ILoggerFactory loggers, TimeProvider time) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _log = loggers.CreateLogger("Controller");
    private ControllerStore? _store;
    private ControllerPki? _pki;
    private Crypto.SecretSealer? _sealer;
    private WebApplication? _deviceApp;
    private WebApplication? _adminApp;
    private ImageStore? _images;
    private Ops.OpsModule? _ops;

    /// <summary>The https:// base address devices use, known after start (the real port when 0 was asked).</summary>
    public Uri? DeviceApiUri { get; private set; }

    public string AdminSocket => AdminSocketPath(options.DataDir);

    /// <summary>The operator API's services (object model, operators, audit), after start.</summary>
    public Ops.OpsModule? Ops => _ops;

    /// <summary>The loaded PKI, after start (tests rotate the signing cert through it).</summary>
    public ControllerPki? Pki => _pki;

    public static string AdminSocketPath(string dataDir) => Path.Combine(dataDir, "run", "admin.sock");

    public static string BootstrapDir(string dataDir) => Path.Combine(dataDir, "bootstrap");

    public async Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(options.DataDir);
        if (!PkiFiles.In(options.DataDir).Exists)
        {
            _log.LogInformation("no PKI in {Dir}: making one for server name {Name}", options.DataDir, options.ServerName);
            PkiInitializer.Init(options.DataDir, options.ServerName);
        }
        _pki = ControllerPki.Load(options.DataDir);
        _store = new ControllerStore(options.DataDir, options.StoreLimits);

        var devices = new DeviceDirectory(_store);
        var onboarding = new OnboardingService(_store);
        if (!onboarding.List().Any())
        {
            // First start: the bootstrap onboarding cert may onboard any serial, so a device made
            // from the bootstrap folder comes up without an operator step.
            onboarding.Add(_pki.OnboardCert, ["*"]);
        }
        _sealer = new Crypto.SecretSealer(_pki);
        var configs = new ConfigService(_store, _pki, options, (id, config) => _sealer.Seal(config, devices.Get(id)?.EcdhCertPem));
        _pki.SigningChanged += configs.InvalidateAll; // configs carry controllercert_confighash and the signature
        _images = new ImageStore(options.DataDir);
        _ops = new Ops.OpsModule(_store, configs, devices, _images, ServerAddressForDevices, options, time, loggers);
        var telemetry = new TelemetryIngest(_store, time);
        var counters = new ControllerCounters(new StorageWatch(options.DataDir, time) { Reopen = _store.Reopen });
        var api = new DeviceApi(options, _pki, devices, new EnvelopeAuthenticator(devices),
            new RegistrationService(devices, onboarding, configs), configs, new AttestationService(devices, ecdhCertChanged: configs.Invalidate), telemetry, counters, time);

        _deviceApp = BuildDeviceApp(api, counters);
        await _deviceApp.StartAsync(ct).ConfigureAwait(false);
        var address = _deviceApp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        DeviceApiUri = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        var server = ServerAddressForDevices();
        PkiInitializer.WriteBootstrap(options.DataDir, BootstrapDir(options.DataDir), server);

        // The operator socket appears last: its presence means the controller is fully up.
        var admin = new AdminService(devices, onboarding, configs, telemetry, counters, () => DeviceApiUri?.ToString() ?? "", time);
        _adminApp = BuildAdminApp(admin, counters);
        await _adminApp.StartAsync(ct).ConfigureAwait(false);
        await _ops.StartAsync(ct).ConfigureAwait(false);
        _log.LogInformation("controller listening on {Uri} (devices use server {Server}); operator socket {Socket}", DeviceApiUri, server, AdminSocket);
    }

    /// <summary>What goes in the device's /config/server: the listen host when it is a specific
    /// address, else the TLS server name, with the port.</summary>
    public string ServerAddressForDevices()
    {
        var host = DeviceApiUri!.Host;
        var listenHost = options.Listen[..options.Listen.LastIndexOf(':')].Trim('[', ']');
        if (listenHost is "0.0.0.0" or "::" or "*" or "") host = options.ServerName;
        return $"{host}:{DeviceApiUri.Port}";
    }

    private WebApplication BuildDeviceApp(DeviceApi api, ControllerCounters counters)
    {
        var builder = Hosting.WebHostBuilder.CreateSlim();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        var endpoint = ParseListen(options.Listen);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = BodyLimits.Logs;
            k.Listen(endpoint, lo =>
            {
                lo.Protocols = HttpProtocols.Http1AndHttp2;
                lo.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = api.Pki.ServerTls,
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    // v1 devices authenticate with their client cert (matched by DER, not by a CA);
                    // v2 devices send none. So ask, accept any, and let the endpoint decide.
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                });
            });
        });
        var app = builder.Build();
        app.UseErrorMapping(_log, counters);
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                counters.Request(EndpointName(context));
            }
        });
        app.MapV2(api);
        app.MapV1(api);
        app.MapGet("/probe", () => ProtoResults.Empty(200));
        app.MapImages(_images!);
        return app;
    }

    private WebApplication BuildAdminApp(AdminService admin, ControllerCounters counters)
    {
        var socket = AdminSocket;
        Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
        if (File.Exists(socket)) File.Delete(socket); // left by a killed controller
        var builder = Hosting.WebHostBuilder.CreateSlim();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(socket));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.WriteIndented = false);
        _ops!.Configure(builder, _pki!.ServerTls);
        var app = builder.Build();
        app.UseErrorMapping(_log, counters);
        _ops.Map(app, admin);
        app.MapAdmin(admin);
        app.MapPkiAdmin(_pki!, time, _log);
        app.MapImageAdmin(_images!, ServerAddressForDevices);
        return app;
    }

    /// <summary>"v2.metrics", "v1.config"…: the API version and the route's last segment, so the
    /// counters have one key per endpoint whatever the device id in the path.</summary>
    private static string EndpointName(Microsoft.AspNetCore.Http.HttpContext context)
    {
        if (context.GetEndpoint() is not Microsoft.AspNetCore.Routing.RouteEndpoint route) return "unmatched";
        var raw = route.RoutePattern.RawText ?? "";
        var last = raw.TrimEnd('/').Split('/')[^1];
        return raw.Contains("/api/v2/", StringComparison.Ordinal) ? $"v2.{last}"
            : raw.Contains("/api/v1/", StringComparison.Ordinal) ? $"v1.{last}" : last;
    }

    private static IPEndPoint ParseListen(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], out var port) || port is < 0 or > 65535)
            throw new ArgumentException($"--listen '{listen}': expected ADDR:PORT, e.g. 127.0.0.1:8443");
        var host = listen[..colon].Trim('[', ']');
        var ip = host is "*" or "" ? IPAddress.Any : host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed : throw new ArgumentException($"--listen '{listen}': '{host}' is not an IP address");
        return new IPEndPoint(ip, port);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_adminApp != null) await _adminApp.StopAsync(ct).ConfigureAwait(false);
        if (_deviceApp != null) await _deviceApp.StopAsync(ct).ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_adminApp != null) await _adminApp.DisposeAsync().ConfigureAwait(false);
        if (_deviceApp != null) await _deviceApp.DisposeAsync().ConfigureAwait(false);
        _adminApp = null;
        _deviceApp = null;
        if (_ops != null) await _ops.DisposeAsync().ConfigureAwait(false);
        _ops = null;
        _store?.Dispose();
        _sealer?.Dispose();
        _store = null;
        _pki?.Dispose();
        _pki = null;
        if (File.Exists(AdminSocket)) File.Delete(AdminSocket);
    }
}
