using System.Net;
using System.Security.Authentication;
using Eve.Appliance.Controller.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eve.Appliance.Bench;

/// <summary>
/// The controller's baseline (`bench baseline-server`): raw Kestrel with the same TLS cert, protocols
/// and client-cert setting as the controller, answering every request with an empty 200. What the
/// controller costs above this is the cost of the EVE protocol and our code.
/// </summary>
internal static class BaselineServer
{
    public const string ReadyLine = "baseline listening on ";

    public static async Task RunAsync(string dataDir, string listen, TextWriter stdout, CancellationToken ct)
    {
        using var pki = ControllerPki.Load(dataDir);
        var colon = listen.LastIndexOf(':');
        var endpoint = new IPEndPoint(IPAddress.Parse(listen[..colon]), int.Parse(listen[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var builder = Hosting.WebHostBuilder.CreateSlim();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(endpoint, lo =>
            {
                lo.Protocols = HttpProtocols.Http1AndHttp2;
                lo.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = pki.ServerTls,
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                });
            });
        });
        await using var app = builder.Build();
        app.Run(context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-proto-binary";
            return Task.CompletedTask;
        });
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await stdout.WriteLineAsync(ReadyLine + address).ConfigureAwait(false);
        await stdout.FlushAsync(ct).ConfigureAwait(false);
        await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
    }
}
