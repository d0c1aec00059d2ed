using Eve.Appliance.Controller.Configs;
using Eve.Appliance.Controller.Devices;
using Eve.Appliance.Controller.Images;
using Eve.Appliance.Controller.Objects.Model;
using Eve.Appliance.Controller.Ops;
using Org.Lfedge.Eve.Info;

namespace Eve.Appliance.Controller.Objects;

/// <summary>
/// Creates, changes and deletes typed objects and assignments. Each change is one store
/// transaction: the object, every device config it changes (compiled, checked, versioned) and the
/// audit entry commit together or not at all. A change that would make any device's config invalid
/// is refused with the device and the rule, and leaves nothing behind.
/// </summary>
internal sealed class ObjectService(
    ObjectStore objects,
    ConfigService configs,
    DeviceDirectory devices,
    ImageStore images,
    AuditLog audit,
    Func<string> controllerServer,
    ControllerOptions options,
    TimeProvider time)
{
    public ConfigHistory History { get; } = new(objects, time);

    public IReadOnlyList<T> List<T>() where T : OpsObject, new() =>
        objects.Of<T>().FindAll().OrderBy(o => o.Name, StringComparer.Ordinal).ToList();

    public T Get<T>(string idOrName) where T : OpsObject, new() =>
        objects.Of<T>().FindById(idOrName.ToLowerInvariant()) ?? objects.Of<T>().FindOne(o => o.Name == idOrName)
        ?? throw ApiError.NotFound($"no {ObjectKind.Of<T>().Word} '{idOrName}' (see GET /api/ops/v1/{ObjectKind.Of<T>().Path})");

    public T Create<T>(T o, OperatorIdentity who) where T : OpsObject, new()
    {
        if (!string.IsNullOrEmpty(o.Id) && !Guid.TryParse(o.Id, out _))
            throw new ObjectValidationException($"{ObjectKind.Of<T>().Word} '{o.Name}' is invalid", [new Problem("id", $"'{o.Id}' is not a UUID (leave it out and the controller makes one)")]);
        o.Id = string.IsNullOrEmpty(o.Id) ? Guid.NewGuid().ToString() : o.Id.ToLowerInvariant();
        o.Revision = 1;
        o.CreatedAt = o.UpdatedAt = time.GetUtcNow().UtcDateTime;
        return Change(who, "create", ObjectKind.Of<T>(), o.Id, o.Name, set =>
        {
            if (set.Of<T>().ContainsKey(o.Id)) throw ApiError.Conflict($"{ObjectKind.Of<T>().Word} {o.Id} exists; PUT to change it");
            Check(o, set);
            objects.Of<T>().Insert(o);
            set.Of<T>()[o.Id] = o;
            return o;
        });
    }

    public T Update<T>(string idOrName, T o, OperatorIdentity who) where T : OpsObject, new()
    {
        var current = Get<T>(idOrName);
        if (!string.IsNullOrEmpty(o.Id) && !string.Equals(o.Id, current.Id, StringComparison.OrdinalIgnoreCase))
            throw new ObjectValidationException($"{ObjectKind.Of<T>().Word} '{current.Name}' is invalid", [new Problem("id", $"'{o.Id}' differs from the object's id {current.Id}: ids are immutable")]);
        o.Id = current.Id;
        o.CreatedAt = current.CreatedAt;
        o.Revision = current.Revision + 1;
        o.UpdatedAt = time.GetUtcNow().UtcDateTime;
        return Change(who, "update", ObjectKind.Of<T>(), o.Id, o.Name, set =>
        {
            Check(o, set);
            objects.Of<T>().Update(o);
            set.Of<T>()[o.Id] = o;
            return o;
        });
    }

    public void Delete<T>(string idOrName, OperatorIdentity who) where T : OpsObject, new()
    {
        var current = Get<T>(idOrName);
        Change(who, "delete", ObjectKind.Of<T>(), current.Id, current.Name, set =>
        {
            var users = set.UsersOf(current.Id).ToList();
            var assigned = objects.Assignments.FindAll().Where(a => Refers(a, current.Id)).Select(a => $"device {a.DeviceId}").ToList();
            if (users.Count + assigned.Count > 0)
                throw ApiError.Conflict($"{ObjectKind.Of<T>().Word} '{current.Name}' is in use by {string.Join(", ", users.Concat(assigned))}; remove it there first");
            objects.Of<T>().Delete(current.Id);
            set.Of<T>().Remove(current.Id);
            return current;
        });
    }

    public DeviceAssignment GetAssignment(string deviceIdOrName)
    {
        var device = Device(deviceIdOrName);
        return objects.Assignments.FindById(device.Id) ?? new DeviceAssignment { DeviceId = device.Id, Mode = "none" };
    }

    /// <summary>Replaces a device's assignment and returns it to the object model (also from raw).</summary>
    public DeviceAssignment PutAssignment(string deviceIdOrName, DeviceAssignment a, OperatorIdentity who)
    {
        var device = Device(deviceIdOrName);
        a.DeviceId = device.Id;
        a.Mode = AssignmentModes.Objects;
        a.ModeReason = null;
        // A client that PUTs an assignment it read before a reboot must not lower the counter (EVE reboots on any change).
        a.RebootCounter = Math.Max(a.RebootCounter, Math.Max(objects.Assignments.FindById(device.Id)?.RebootCounter ?? 0, RebootCounterOf(device.Id)));
        a.UpdatedAt = time.GetUtcNow().UtcDateTime;
        return Change(who, "assign", "device", device.Id, device.Name, set =>
        {
            var problems = new ObjectValidator(set, BuiltInSize).Validate(a);
            if (problems.Count > 0) throw new ObjectValidationException($"the assignment of device '{device.Name}' is invalid", problems);
            objects.Assignments.Upsert(a);
            return a;
        });
    }

    /// <summary>Stores a whole EdgeDevConfig for a device (raw override; the device leaves the model).</summary>
    public ConfigService.Answer SetRaw(string deviceIdOrName, Org.Lfedge.Eve.Config.EdgeDevConfig config, OperatorIdentity who)
    {
        var device = Device(deviceIdOrName);
        return Change(who, "config-set", "device", device.Id, device.Name, _ => configs.Set(device.Id, config, new ConfigChange("raw", who.Name)));
    }

    /// <summary>Publishes an earlier version's config again as a new version (a raw override).</summary>
    public ConfigService.Answer Revert(string deviceIdOrName, int version, OperatorIdentity who)
    {
        var device = Device(deviceIdOrName);
        var old = History.Get(device.Id, version) ?? throw ApiError.NotFound($"device '{device.Name}' has no config version {version} (see its config versions)");
        return Change(who, "revert", "device", device.Id, device.Name, _ =>
            configs.Set(device.Id, ConfigHistory.Parse(old), new ConfigChange($"revert to {version}", who.Name)), $"to version {version}");
    }

    /// <summary>The reboot counter in the device's stored config (whichever way it was made).</summary>
    public int RebootCounterOf(string deviceId) =>
        configs.Stored(deviceId) is { } stored ? (int)(Org.Lfedge.Eve.Config.EdgeDevConfig.Parser.ParseFrom(stored.Config).Reboot?.Counter ?? 0) : 0;

    public Store.DeviceDoc Device(string idOrName) =>
        devices.Get(idOrName.ToLowerInvariant())
        ?? devices.All().SingleOrDefault(d => d.Name == idOrName || d.Serial == idOrName)
        ?? throw ApiError.NotFound($"no device '{idOrName}' (see GET /api/ops/v1/devices)");

    private TResult Change<TResult>(OperatorIdentity who, string action, ObjectKind kind, string id, string name, Func<ObjectSet, TResult> write) =>
        Change(who, action, kind.Path, id, name, write);

    private TResult Change<TResult>(OperatorIdentity who, string action, string kind, string id, string name, Func<ObjectSet, TResult> write, string detail = "")
    {
        lock (configs.WriteLock)
        {
            var touched = new List<string>();
            if (!objects.Store.BeginTransaction())
                throw new InvalidOperationException("an object change started inside another store transaction on this thread");
            try
            {
                var set = objects.Snapshot();
                var result = write(set);
                // Only the devices the change can reach are compiled: those using the object (after
                // the change; a delete is refused while anything uses it), or the assigned device.
                if (action == "assign") Publish(set, who, touched, (deviceId, _) => deviceId == id);
                else if (kind != "device") Publish(set, who, touched, (_, x) => x.Uses(id));
                audit.Record(who, action, kind, id, name, 200, detail);
                objects.Store.Commit();
                return result;
            }
            catch
            {
                objects.Store.Rollback();
                throw;
            }
            finally
            {
                foreach (var d in touched) configs.Invalidate(d);
            }
        }
    }

    /// <summary>Compiles the affected devices of the object model; stores a new version where the
    /// content changed. Throws (and the caller rolls back) when any device's objects break a rule.</summary>
    private void Publish(ObjectSet set, OperatorIdentity who, List<string> touched, Func<string, ExpandedAssignment, bool> affected)
    {
        foreach (var a in objects.Assignments.Find(x => x.Mode == AssignmentModes.Objects).OrderBy(x => x.DeviceId, StringComparer.Ordinal))
        {
            var expanded = ExpandedAssignment.Of(a, set);
            if (!affected(a.DeviceId, expanded)) continue;
            var device = devices.Get(a.DeviceId);
            if (device == null) continue;
            var facts = Facts(device);
            var problems = DeviceChecks.Check(facts, expanded);
            if (problems.Count > 0) throw new ObjectValidationException($"refused: the change would break device '{facts.Name}' (nothing was changed)", problems);
            var config = ConfigCompiler.Compile(facts, expanded, controllerServer(), options);
            var stored = configs.Stored(device.Id);
            if (stored != null && ConfigCompiler.ContentHash(Org.Lfedge.Eve.Config.EdgeDevConfig.Parser.ParseFrom(stored.Config)) == ConfigCompiler.ContentHash(config))
                continue;
            touched.Add(device.Id);
            configs.Set(device.Id, config, new ConfigChange("objects", who.Name));
        }
    }

    public DeviceFacts Facts(Store.DeviceDoc device)
    {
        var name = device.Name != "" ? device.Name : device.Serial != "" ? device.Serial : device.Id;
        var info = objects.Store.Info.FindById($"{device.Id}/{ZInfoTypes.ZiDevice}/device");
        if (info == null) return new DeviceFacts(device.Id, name, null, null);
        var dinfo = ZInfoMsg.Parser.ParseFrom(info.Message).Dinfo;
        return new DeviceFacts(device.Id, name, dinfo?.Memory > 0 ? (long)dinfo.Memory : null, dinfo?.Ncpu > 0 ? (int)dinfo.Ncpu : null);
    }

    private void Check(OpsObject o, ObjectSet set)
    {
        var problems = new ObjectValidator(set, BuiltInSize).Validate(o);
        if (problems.Count > 0) throw new ObjectValidationException($"{ObjectKind.All.First(k => k.Type == o.GetType()).Word} '{o.Name}' is invalid", problems);
    }

    private long? BuiltInSize(string sha256) => images.PathOf(sha256) is { } path ? new FileInfo(path).Length : null;

    private static bool Refers(DeviceAssignment a, string id) =>
        a.Apps.Contains(id) || a.Networks.Contains(id) || a.Volumes.Contains(id) || a.ConfigItems.Contains(id) || a.Profiles.Contains(id) || a.PortConfig == id || a.BaseOs == id;
}
