namespace Eve.Appliance.Agent.Networks;

/// <summary>An app NIC whose flows are logged: EVE's ScopeInfo (app, adapter, vif, instance) plus the
/// address its flows carry and the names of its ACEs by the id our rules mark connections with.</summary>
internal sealed record FlowScope(
    string AppUuid,
    string AdapterName,
    string Vif,
    string InstanceUuid,
    string Ip,
    IReadOnlyDictionary<int, string> AceNames);
