using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Profile;

namespace Eve.Appliance.Controller.LocalProfile;

/// <summary>
/// EVE's Local Profile Server API (/api/v1/local_profile, radio, appinfo, devinfo, location,
/// network, appbootinfo) over plain HTTP as EVE calls it (its default port is 8888), served by the
/// embedded controller with --lps-listen. Requests and answers are application/x-proto-binary;
/// the token is in the answers, which the device checks against its profile_server_token.
/// </summary>
internal sealed class LocalProfileServer(LocalProfileService service, string listen, ILoggerFactory loggers) : IAsyncDisposable
{
    private const string ProtoType = "application/x-proto-binary";
    private readonly ILogger _log = loggers.CreateLogger("LocalProfile");
    private WebApplication? _app;

    public Uri? Uri { get; private set; }

    public async Task StartAsync(CancellationToken ct)
    {
        var builder = Hosting.WebHostBuilder.CreateSlim();
        builder.Logging.ClearProviders();
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], out var port) || !IPAddress.TryParse(listen[..colon].Trim('[', ']'), out var ip))
            throw new ArgumentException($"--lps-listen '{listen}': expected ADDR:PORT, e.g. 0.0.0.0:8888");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 1 << 20;
            k.Listen(ip, port);
        });
        var app = builder.Build();
        app.MapGet("/api/v1/local_profile", () => Answer(service.LocalProfileAnswer(), 404));
        Post<RadioStatus>(app, "radio", RadioStatus.Parser, _ => null, () => service.RadioAnswer());
        Post<LocalAppInfoList>(app, "appinfo", LocalAppInfoList.Parser, _ => null, () => service.AppAnswer());
        Post<LocalDevInfo>(app, "devinfo", LocalDevInfo.Parser, m => m.DeviceUuid, () => service.DevAnswer());
        Post<ZInfoLocation>(app, "location", ZInfoLocation.Parser, _ => null, () => null, emptyStatus: 200);
        Post<NetworkInfo>(app, "network", NetworkInfo.Parser, _ => null, () => service.NetworkAnswer(), emptyStatus: 404);
        Post<AppBootInfoList>(app, "appbootinfo", AppBootInfoList.Parser, _ => null, () => service.AppBootAnswer());
        await app.StartAsync(ct).ConfigureAwait(false);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Uri = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        _log.LogInformation("local profile server on {Uri}", Uri);
    }

    private void Post<T>(WebApplication app, string name, MessageParser<T> parser, Func<T, string?> source, Func<IMessage?> answer, int emptyStatus = 204)
        where T : IMessage<T> => app.MapPost($"/api/v1/{name}", async (HttpContext c) =>
    {
        using var body = new MemoryStream();
        await c.Request.Body.CopyToAsync(body, c.RequestAborted).ConfigureAwait(false);
        T message;
        try
        {
            message = parser.ParseFrom(body.ToArray());
        }
        catch (InvalidProtocolBufferException e)
        {
            _log.LogInformation("LPS {Endpoint}: bad body from {Remote}: {Reason}", name, c.Connection.RemoteIpAddress, e.Message);
            return Results.Text($"body is not a {typeof(T).Name}: {e.Message}\n", statusCode: 400);
        }
        var from = source(message) is { Length: > 0 } id ? id : c.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        service.Report(name, from, message);
        return Answer(answer(), emptyStatus);
    });

    private static IResult Answer(IMessage? message, int emptyStatus) =>
        message == null ? Results.StatusCode(emptyStatus) : Results.Bytes(message.ToByteArray(), ProtoType);

    public async ValueTask DisposeAsync()
    {
        if (_app != null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        _app = null;
    }
}
