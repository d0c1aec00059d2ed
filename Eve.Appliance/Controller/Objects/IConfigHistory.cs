using Eve.Appliance.Store;
using Org.Lfedge.Eve.Config;

namespace Eve.Appliance.Controller.Objects;

/// <summary>Records each config a device is given (called by ConfigService inside its write lock
/// and store transaction).</summary>
internal interface IConfigHistory
{
    void Stored(ConfigDoc doc, EdgeDevConfig config, ConfigChange change);
}
