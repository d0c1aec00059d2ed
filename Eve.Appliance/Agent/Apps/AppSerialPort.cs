namespace Eve.Appliance.Agent.Apps;

/// <summary>A host serial device (EVE's COM adapter: a deviceIoList entry of type PhyIoCOM, its
/// `Serial` phyaddr) given to one app; the guest sees it as its next 16550 UART (ttyS1, ttyS2, …;
/// ttyS0 is the console captured to the app log).</summary>
internal sealed record AppSerialPort(string Name, string HostPath);
