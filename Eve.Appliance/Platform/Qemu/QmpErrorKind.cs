namespace Eve.Appliance.Platform.Qemu;

internal enum QmpErrorKind
{
    /// <summary>QEMU answered with an error object (bad command or argument, wrong VM state).</summary>
    CommandFailed,
    /// <summary>QEMU did not answer in time: the VM or its main loop is hung.</summary>
    Timeout,
    /// <summary>The socket closed or broke: QEMU exited, or the path has no listener.</summary>
    Closed,
    /// <summary>QEMU sent something that is not QMP.</summary>
    Protocol,
}
