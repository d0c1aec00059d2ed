using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Eve.Appliance.Controller.Configs;
using Eve.Appliance.Controller.WebConsole;
using Eve.Appliance.Controller.Devices;
using Eve.Appliance.Controller.Images;
using Eve.Appliance.Controller.LocalProfile;
using Eve.Appliance.Controller.Objects;
using Eve.Appliance.Controller.Ops.Logs;
using Eve.Appliance.Controller.Ops.Vnc;
using Eve.Appliance.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Controller.Ops;

/// <summary>
/// The operator REST API (/api/ops/v1, OpenAPI at /api/ops/v1/openapi.json): the object model's
/// services, their wiring into ConfigService's history, and the listeners. It shares the admin
/// app, so it is on DATA/run/admin.sock, and, with --ops-listen, also on TCP with TLS (the
/// controller's server certificate) where tokens or registered client certs are required.
/// </summary>
internal sealed class OpsModule : IAsyncDisposable
{
    private readonly ILogger _log;
    private readonly ILoggerFactory _loggers;
    private LocalProfileServer? _lps;

    public OpsModule(ControllerStore store, ConfigService configs, DeviceDirectory devices, ImageStore images,
        Func<string> controllerServer, ControllerOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _log = loggers.CreateLogger("Ops");
        Objects = new ObjectStore(store);
        Audit = new AuditLog(store, time);
        Operators = new OperatorDirectory(store, time);
        Service = new ObjectService(Objects, configs, devices, images, Audit, controllerServer, options, time);
        configs.History = Service.History;
        Configs = configs;
        Devices = devices;
        Images = images;
        Options = options;
        Time = time;
        Lps = new LocalProfileService(store, time);
        Tickets = new OpsTickets(time);
        VncLocator = new VncLocator(Service, configs, devices, store);
        _loggers = loggers;
        FirstStart = Operators.Bootstrap();
        if (FirstStart != null && options.ShowFirstStartCredentials)
        {
            // On the console (stderr, so the journal under systemd) and not in the log files,
            // which are kept, rotated and collected.
            Console.Error.WriteLine($"eve-appliance: first start: operator '{FirstStart.Operator}' password {FirstStart.Password}\n" +
                $"eve-appliance: first start: API token {FirstStart.Token}\n" +
                "eve-appliance: shown only now and stored only as hashes; keep them (POST /api/ops/v1/login, or Authorization: Bearer)");
            _log.LogWarning("first start: made operator '{Operator}' (admin); its password and API token were printed on the console once", FirstStart.Operator);
        }
    }

    public ObjectStore Objects { get; }
    public AuditLog Audit { get; }
    public OperatorDirectory Operators { get; }
    public ObjectService Service { get; }
    public ConfigService Configs { get; }
    public DeviceDirectory Devices { get; }
    public ImageStore Images { get; }
    public ControllerOptions Options { get; }
    public TimeProvider Time { get; }
    public LocalProfileService Lps { get; }
    public OpsTickets Tickets { get; }
    public VncLocator VncLocator { get; }

    /// <summary>VNC consoles and log follows open now.</summary>
    public OpsSessions Sessions { get; } = new();

    /// <summary>The built-in local profile server's address (with --lps-listen), after start.</summary>
    public Uri? LocalProfileUri => _lps?.Uri;

    /// <summary>After the admin app: the local profile server, when asked for.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (Options.LocalProfileListen is not { } listen) return;
        _lps = new LocalProfileServer(Lps, listen, _loggers);
        await _lps.StartAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_lps != null) await _lps.DisposeAsync().ConfigureAwait(false);
        _lps = null;
    }

    /// <summary>Made by this start (null on later starts).</summary>
    public FirstStartCredentials? FirstStart { get; }

    /// <summary>Before Build: the OpenAPI document, and the TLS listener when --ops-listen is set.</summary>
    public void Configure(WebApplicationBuilder builder, X509Certificate2 serverCert)
    {
        builder.Services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/ops/", StringComparison.Ordinal) == true;
            Paging.Document(o);
        });
        if (Options.OpsListen is not { } listen) return;
        builder.WebHost.ConfigureKestrel(k => k.Listen(ParseEndpoint(listen), lo =>
        {
            lo.Protocols = HttpProtocols.Http1AndHttp2;
            lo.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serverCert,
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                // Client certs are matched by thumbprint against the operators' registered ones,
                // not by a CA; a request without one needs a bearer token.
                ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                ClientCertificateValidation = (_, _, _) => true,
            });
        }));
    }

    /// <summary>After Build, before the older /admin routes: middleware and routes.</summary>
    public void Map(WebApplication app, Admin.AdminService admin)
    {
        app.UseConsole();
        app.UseOpsErrors(_log, Audit);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseRouting();
        app.UseOpsAuth(Operators, Tickets, Audit, _log);
        var g = app.MapGroup(OpsPipeline.Prefix);
        g.MapObjects(Service, Images);
        g.MapDevices(Service, Configs, Devices);
        g.MapOpsAdmin(Operators, Audit, Time);
        g.MapDeviceStatus(admin, Service, Configs, Objects.Store, Audit);
        Backup.BackupEndpoints.MapBackup(g, Options.DataDir, Objects.Store, Audit, Time);
        g.MapLocalProfile(Lps, Audit);
        g.MapVnc(VncLocator, Tickets, Audit, Sessions, Time, _log);
        g.MapLogStream(Service, Objects.Store, Tickets, Sessions, Time);
        app.MapNoVnc();
        // {documentName} is "v1", so the document is at /api/ops/v1/openapi.json.
        app.MapOpenApi("/api/ops/{documentName}/openapi.json").WithMetadata(new OpsRole(Roles.Viewer));
    }

    private static IPEndPoint ParseEndpoint(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], out var port) || port is < 0 or > 65535)
            throw new ArgumentException($"--ops-listen '{listen}': expected ADDR:PORT, e.g. 0.0.0.0:9443");
        var host = listen[..colon].Trim('[', ']');
        var ip = host is "*" or "" ? IPAddress.Any : host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed : throw new ArgumentException($"--ops-listen '{listen}': '{host}' is not an IP address");
        return new IPEndPoint(ip, port);
    }
}
