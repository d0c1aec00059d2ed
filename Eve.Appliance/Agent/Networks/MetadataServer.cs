using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Eve.Appliance.Platform.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Agent.Networks;

/// <summary>EVE's metadata server (msrv) for one local network instance: a Kestrel listener on the
/// instance's gateway address, port 80, inside the device namespace; the instance's nft table DNATs
/// 169.254.169.254:80 to it and always allows it. The caller is identified by its source address
/// (<see cref="MetadataDirectory"/>). Endpoints follow EVE's docs/ECO-METADATA.md and msrv:
/// <c>/eve/v1/network.json</c>, <c>/eve/v1/external_ipv4</c>, <c>/eve/v1/hostname</c>, and the
/// OpenStack layout cloud-init reads (<c>/openstack/latest/meta_data.json</c>, <c>user_data</c>, …) for apps
/// whose metaDataType asks for it.</summary>
internal sealed class MetadataServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MetadataServer(WebApplication app, string gateway)
    {
        _app = app;
        Gateway = gateway;
    }

    public string Gateway { get; }

    public static async Task<MetadataServer> StartAsync(string instance, string? netns, string gateway, Func<MetadataDirectory> directory, CancellationToken ct)
    {
        ulong handle;
        using (var socket = NetnsSocket.ListenTcp(netns, new IPEndPoint(IPAddress.Parse(gateway), NftRuleset.MetadataPort)))
            handle = NetnsSocket.DuplicateHandle(socket);
        var builder = Hosting.WebHostBuilder.CreateSlim();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenHandle(handle));
        var app = builder.Build();
        Map(app, instance, directory);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new MetadataServer(app, gateway);
    }

    private static void Map(WebApplication app, string instance, Func<MetadataDirectory> directory)
    {
        (MetadataDirectory Dir, MetadataApp? App) Caller(HttpContext c)
        {
            var dir = directory();
            var ip = c.Connection.RemoteIpAddress?.MapToIPv4().ToString() ?? "";
            return (dir, dir.Find(instance, ip));
        }

        app.MapGet("/eve/v1/network.json", (HttpContext c) =>
        {
            var (dir, caller) = Caller(c);
            var id = caller?.Id.ToString() ?? "";
            var body = new JsonObject
            {
                ["caller-ip"] = $"{c.Connection.RemoteIpAddress?.MapToIPv4()}:{c.Connection.RemotePort}",
                ["external-ipv4"] = caller?.ExternalIpv4 ?? "",
                ["hostname"] = id,
                ["app-instance-uuid"] = id,
                ["device-uuid"] = dir.DeviceUuid,
                ["device-name"] = dir.DeviceName,
                ["project-name"] = dir.ProjectName,
                ["project-uuid"] = dir.ProjectId,
                ["enterprise-name"] = dir.EnterpriseName,
                ["enterprise-id"] = dir.EnterpriseId,
            };
            return Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8);
        });
        app.MapGet("/eve/v1/external_ipv4", (HttpContext c) =>
            Caller(c).App?.ExternalIpv4 is { } ip ? Results.Text(ip + "\n", "text/plain") : Results.NoContent());
        app.MapGet("/eve/v1/hostname", (HttpContext c) =>
            Caller(c).App is { } a ? Results.Text(a.Id + "\n", "text/plain") : Results.NoContent());
        app.MapGet("/openstack", (HttpContext c) => OpenStack(Caller(c).App, "openstack"));
        app.MapGet("/openstack/", (HttpContext c) => OpenStack(Caller(c).App, "openstack"));
        app.MapGet("/openstack/{version}/{file}", (HttpContext c, string file) => OpenStack(Caller(c).App, file));
    }

    private static IResult OpenStack(MetadataApp? app, string file)
    {
        if (app is null) return Results.Text("no app instance uses this address on this network instance\n", "text/plain", statusCode: 501);
        if (app.Type != MetaDataType.MetaDataOpenStack)
            return Results.Text($"app {app.Id} does not ask for OpenStack metadata (metaDataType {app.Type})\n", "text/plain", statusCode: 404);
        switch (file)
        {
            case "openstack":
                return Results.Text("latest\n", "text/plain");
            case "meta_data.json":
                var meta = new JsonObject
                {
                    ["uuid"] = app.Id.ToString(),
                    ["hostname"] = app.Name,
                    ["name"] = app.Name,
                    ["launch_index"] = 0,
                    ["keys"] = new JsonArray(),
                    ["public_keys"] = new JsonObject(),
                };
                return Results.Text(meta.ToJsonString(), "application/json");
            case "network_data.json":
                return Results.Text("""{"services":[],"networks":[]}""", "application/json");
            case "vendor_data.json":
                return Results.Text("{}", "application/json");
            case "user_data":
                if (app.UserDataBase64 is null) return Results.NotFound();
                try
                {
                    return Results.Bytes(Convert.FromBase64String(app.UserDataBase64), "text/yaml");
                }
                catch (FormatException)
                {
                    return Results.Text($"app {app.Id}: userData in its config is not base64\n", "text/plain", statusCode: 500);
                }
            default:
                return Results.NotFound();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
