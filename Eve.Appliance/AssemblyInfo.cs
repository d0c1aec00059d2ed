// Eve.Appliance drives Linux (netlink tools, QEMU, /proc, unix sockets); it runs nowhere else.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
