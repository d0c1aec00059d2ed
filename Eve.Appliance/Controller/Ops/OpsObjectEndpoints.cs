using Eve.Appliance.Controller.Images;
using Eve.Appliance.Controller.Objects;
using Eve.Appliance.Controller.Objects.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Eve.Appliance.Controller.Ops;

/// <summary>CRUD for every object kind (same shape for all: list, get by id or name, create, replace,
/// delete), the app actions the console's buttons call, and image upload into the built-in datastore.</summary>
internal static class OpsObjectEndpoints
{
    public static void MapObjects(this RouteGroupBuilder g, ObjectService svc, ImageStore images)
    {
        Map<ImageObject>(g, svc);
        Map<DatastoreObject>(g, svc);
        Map<AppObject>(g, svc);
        Map<NetworkObject>(g, svc);
        Map<VolumeObject>(g, svc);
        Map<PortConfigObject>(g, svc);
        Map<ConfigItemObject>(g, svc);
        Map<BaseOsObject>(g, svc);
        Map<ProfileObject>(g, svc);

        foreach (var action in new[] { "start", "stop", "restart", "purge" })
            g.MapPost($"/apps/{{id}}/{action}", (string id, HttpContext c) => Results.Json(AppAction(svc, id, action, c.Identity()), OpsJson.Options))
                .WithTags("apps").WithSummary($"{action} an app on every device it is assigned to").Produces<AppObject>();

        g.MapPost("/images/upload", async (HttpContext c, string name, string? format) =>
        {
            // The body is the image itself; it is hashed while it is written, so the object refers
            // to exactly the bytes stored.
            // Images are large; the limit is the disk, not Kestrel's 30 MB default.
            if (c.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
            var tmp = Path.Combine(images.Dir, $".upload.{Guid.NewGuid():N}.tmp");
            try
            {
                await using (var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
                    await c.Request.Body.CopyToAsync(file, c.RequestAborted).ConfigureAwait(false);
                var record = await images.AddAsync(tmp, c.RequestAborted).ConfigureAwait(false);
                var existing = svc.List<ImageObject>().FirstOrDefault(i => i.Name == name);
                var image = new ImageObject { Name = name, Sha256 = record.Sha256, SizeBytes = record.Size, Format = format ?? "qcow2" };
                var saved = existing == null ? svc.Create(image, c.Identity()) : svc.Update(existing.Id, image, c.Identity());
                return Results.Json(saved, OpsJson.Options, statusCode: existing == null ? 201 : 200);
            }
            finally
            {
                if (File.Exists(tmp)) File.Delete(tmp);
            }
        }).WithTags("images").WithSummary("upload an image's bytes (the body) into the built-in datastore and create or update the image object 'name'")
          .Accepts<Stream>("application/octet-stream").Produces<ImageObject>(201);
    }

    private static AppObject AppAction(ObjectService svc, string id, string action, OperatorIdentity who)
    {
        var app = svc.Get<AppObject>(id);
        switch (action)
        {
            case "start": app.Activate = true; break;
            case "stop": app.Activate = false; break;
            case "restart": app.RestartCounter++; break;
            case "purge": app.PurgeCounter++; break;
        }
        return svc.Update(app.Id, app, who);
    }

    /// <summary>Viewers (a wall screen, an auditor) see objects without their secrets: datastore
    /// credentials, VNC passwords, profile server tokens. The objects are fresh copies from the store.</summary>
    private static IReadOnlyList<T> Redacted<T>(IReadOnlyList<T> objects, OperatorIdentity who) where T : OpsObject
    {
        if (Roles.Allows(who.Role, Roles.Operator)) return objects;
        foreach (var o in objects)
        {
            switch (o)
            {
                case DatastoreObject d:
                    d.ApiKey = d.ApiKey == null ? null : "(hidden)";
                    d.Password = d.Password == null ? null : "(hidden)";
                    break;
                case AppObject a when a.VncPassword != null:
                    a.VncPassword = "(hidden)";
                    break;
                case ProfileObject p when p.ProfileServerToken != null:
                    p.ProfileServerToken = "(hidden)";
                    break;
            }
        }
        return objects;
    }

    private static void Map<T>(RouteGroupBuilder g, ObjectService svc) where T : OpsObject, new()
    {
        var kind = ObjectKind.Of<T>();
        var k = g.MapGroup("/" + kind.Path).WithTags(kind.Path);
        k.MapGet("", (HttpContext c) => Paging.Page(c, Redacted(svc.List<T>(), c.Identity()))).WithSummary($"list {kind.Path}, by name (paged)").Produces<List<T>>().Paged();
        k.MapGet("/{id}", (string id, HttpContext c) => Results.Json(Redacted([svc.Get<T>(id)], c.Identity())[0], OpsJson.Options))
            .WithSummary($"one {kind.Word} by id or name (secrets blanked for viewers)").Produces<T>();
        k.MapPost("", async (HttpContext c) =>
        {
            var created = svc.Create(await OpsJson.ReadAsync<T>(c.Request).ConfigureAwait(false), c.Identity());
            return Results.Json(created, OpsJson.Options, statusCode: 201);
        }).WithSummary($"create a {kind.Word}; every device it changes gets a new config version").Accepts<T>("application/json").Produces<T>(201);
        k.MapPut("/{id}", async (string id, HttpContext c) =>
            Results.Json(svc.Update(id, await OpsJson.ReadAsync<T>(c.Request).ConfigureAwait(false), c.Identity()), OpsJson.Options))
            .WithSummary($"replace a {kind.Word} (its id stays; its revision grows)").Accepts<T>("application/json").Produces<T>();
        k.MapDelete("/{id}", (string id, HttpContext c) =>
        {
            svc.Delete<T>(id, c.Identity());
            return Results.NoContent();
        }).WithSummary($"delete a {kind.Word} (refused with 409 while something uses it)");
    }
}
