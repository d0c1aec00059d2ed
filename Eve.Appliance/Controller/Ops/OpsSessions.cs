namespace Eve.Appliance.Controller.Ops;

/// <summary>Long-lived operator connections open now (VNC consoles, log follows): for status, and
/// so tests can see a session end when its client goes.</summary>
internal sealed class OpsSessions
{
    private int _vnc;
    private int _logStreams;

    public int Vnc => Volatile.Read(ref _vnc);
    public int LogStreams => Volatile.Read(ref _logStreams);

    public Session OpenVnc() => new(this, vnc: true);
    public Session OpenLogStream() => new(this, vnc: false);

    internal sealed class Session : IDisposable
    {
        private readonly OpsSessions _owner;
        private readonly bool _vnc;
        private int _closed;

        public Session(OpsSessions owner, bool vnc)
        {
            _owner = owner;
            _vnc = vnc;
            if (vnc) Interlocked.Increment(ref owner._vnc);
            else Interlocked.Increment(ref owner._logStreams);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 1) return;
            if (_vnc) Interlocked.Decrement(ref _owner._vnc);
            else Interlocked.Decrement(ref _owner._logStreams);
        }
    }
}
