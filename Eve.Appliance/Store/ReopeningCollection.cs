using System.Reflection;
using System.Runtime.ExceptionServices;
using LiteDB;

namespace Eve.Appliance.Store;

/// <summary>
/// An <see cref="ILiteCollection{T}"/> that always talks to the store's current database, so parts
/// that keep their collection keep working after <see cref="ControllerStore.Reopen"/>. A proxy
/// rather than a hand-written wrapper: the interface has some forty members and changes with LiteDB.
/// </summary>
public class ReopeningCollection<T> : DispatchProxy
{
    private Func<LiteDatabase> _database = null!;
    private string _name = "";
    private (LiteDatabase Db, ILiteCollection<T> Collection)? _current;

    internal static ILiteCollection<T> Create(Func<LiteDatabase> database, string name)
    {
        var proxy = Create<ILiteCollection<T>, ReopeningCollection<T>>();
        var self = (ReopeningCollection<T>)(object)proxy;
        self._database = database;
        self._name = name;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var db = _database();
        var current = _current;
        if (current is not { } c || !ReferenceEquals(c.Db, db))
        {
            c = (db, db.GetCollection<T>(_name));
            _current = c;
        }
        try
        {
            return targetMethod!.Invoke(c.Collection, args);
        }
        catch (TargetInvocationException e) when (e.InnerException != null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
