using System.Text.Json.Nodes;
using Eve.Appliance.Api;
using Eve.Appliance.Controller.Ops;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Org.Lfedge.Eve.Info;
using Org.Lfedge.Eve.Profile;

namespace Eve.Appliance.Controller.LocalProfile;

/// <summary>The operator's side of the built-in LPS: its state (what devices are told) and what
/// devices last reported to it.</summary>
internal static class LocalProfileEndpoints
{
    public static void MapLocalProfile(this RouteGroupBuilder g, LocalProfileService service, AuditLog audit)
    {
        var lp = g.MapGroup("/local-profile").WithTags("local-profile");
        lp.MapGet("", () => Results.Json(service.State(), OpsJson.Options)).Produces<LpsState>();
        lp.MapPut("", async (HttpContext c) =>
        {
            // A block body: an expression-bodied async (HttpContext) lambda would bind to
            // RequestDelegate and drop the result.
            var state = await OpsJson.ReadAsync<LpsState>(c.Request).ConfigureAwait(false);
            return Results.Json(service.Put(state, c.Identity(), audit), OpsJson.Options);
        })
            .Accepts<LpsState>("application/json").Produces<LpsState>()
            .WithSummary("what the built-in local profile server answers: local profile, radio silence, app and device commands, app boot order");
        lp.MapGet("/reports", () => Results.Json(service.Reports().Select(r => new
        {
            endpoint = r.Endpoint,
            source = r.Source,
            receivedAt = r.ReceivedAt,
            message = JsonNode.Parse(ProtoRegistry.CanonicalJson.Format(Decode(r.Endpoint, r.Message))),
        }).ToList(), OpsJson.Options)).WithSummary("the last message each device posted to each LPS endpoint");
    }

    private static IMessage Decode(string endpoint, byte[] bytes) => endpoint switch
    {
        "radio" => RadioStatus.Parser.ParseFrom(bytes),
        "appinfo" => LocalAppInfoList.Parser.ParseFrom(bytes),
        "devinfo" => LocalDevInfo.Parser.ParseFrom(bytes),
        "location" => ZInfoLocation.Parser.ParseFrom(bytes),
        "network" => NetworkInfo.Parser.ParseFrom(bytes),
        _ => AppBootInfoList.Parser.ParseFrom(bytes),
    };
}
