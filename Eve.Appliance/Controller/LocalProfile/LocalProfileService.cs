using Eve.Appliance.Controller.Objects;
using Eve.Appliance.Controller.Ops;
using Eve.Appliance.Store;
using Google.Protobuf;
using LiteDB;
using Org.Lfedge.Eve.Common;
using Org.Lfedge.Eve.Profile;

namespace Eve.Appliance.Controller.LocalProfile;

/// <summary>The built-in local profile server's state and answers (EVE's PROFILE.md: every answer
/// with a body carries the server token; 204 when there is nothing to say).</summary>
internal sealed class LocalProfileService(ControllerStore store, TimeProvider time)
{
    private readonly ILiteCollection<LpsState> _state = store.Collection<LpsState>("lps_state");
    private readonly ILiteCollection<LpsReport> _reports = store.Collection<LpsReport>("lps_reports");

    public LpsState State()
    {
        var state = _state.FindById("state");
        if (state != null) return state;
        // A token from the first use, so an operator can put it in a profile object right away.
        state = new LpsState { Token = PasswordHasher.NewSecret()[..32] };
        _state.Upsert(state);
        return state;
    }

    public LpsState Put(LpsState state, OperatorIdentity who, AuditLog audit)
    {
        var p = new ProblemList();
        if (string.IsNullOrWhiteSpace(state.Token) || state.Token.Length < 16) p.Add("token", "at least 16 characters (devices trust answers carrying it)");
        for (var i = 0; i < state.AppCommands.Count; i++)
        {
            var c = state.AppCommands[i];
            if (string.IsNullOrEmpty(c.Id) && string.IsNullOrEmpty(c.DisplayName)) p.Add($"appCommands[{i}]", "needs id or displayName to match an app");
            p.OneOf($"appCommands[{i}].command", c.Command, "restart", "purge");
        }
        if (state.DevCommand is { } d) p.OneOf("devCommand.command", d.Command, "shutdown", "shutdown-poweroff", "graceful-reboot", "collect-info");
        for (var i = 0; i < state.AppBoot.Count; i++) p.OneOf($"appBoot[{i}].usbBoot", state.AppBoot[i].UsbBoot, "unspecified", "usb", "nousb");
        if (p.Any) throw new ObjectValidationException("the local profile server state is invalid", p.Items);
        state.Id = "state";
        _state.Upsert(state);
        audit.Record(who, "update", "local-profile", "state", "local profile server", 200);
        return state;
    }

    public void Report(string endpoint, string source, IMessage message) =>
        _reports.Upsert(new LpsReport { Id = $"{endpoint}/{source}", Endpoint = endpoint, Source = source, ReceivedAt = time.GetUtcNow().UtcDateTime, Message = message.ToByteArray() });

    public IReadOnlyList<LpsReport> Reports() => _reports.FindAll().OrderBy(r => r.Id, StringComparer.Ordinal).ToList();

    public Org.Lfedge.Eve.Profile.LocalProfile? LocalProfileAnswer() =>
        State() is { LocalProfile: { } profile } s ? new Org.Lfedge.Eve.Profile.LocalProfile { LocalProfile_ = profile, ServerToken = s.Token } : null;

    public RadioConfig? RadioAnswer() =>
        State() is { RadioSilence: { } silence } s ? new RadioConfig { ServerToken = s.Token, RadioSilence = silence } : null;

    public LocalAppCmdList? AppAnswer()
    {
        var s = State();
        if (s.AppCommands.Count == 0) return null;
        var list = new LocalAppCmdList { ServerToken = s.Token };
        foreach (var c in s.AppCommands)
            list.AppCommands.Add(new AppCommand
            {
                Id = c.Id ?? "", Displayname = c.DisplayName ?? "", Timestamp = c.Timestamp,
                Command = c.Command == "purge" ? AppCommand.Types.Command.Purge : AppCommand.Types.Command.Restart,
            });
        return list;
    }

    public LocalDevCmd? DevAnswer() => State() is { DevCommand: { } d } s
        ? new LocalDevCmd
        {
            ServerToken = s.Token, Timestamp = d.Timestamp,
            Command = d.Command switch
            {
                "shutdown-poweroff" => LocalDevCmd.Types.Command.ShutdownPoweroff,
                "graceful-reboot" => LocalDevCmd.Types.Command.GracefulReboot,
                "collect-info" => LocalDevCmd.Types.Command.CollectInfo,
                _ => LocalDevCmd.Types.Command.Shutdown,
            },
        }
        : null;

    public AppBootConfigList? AppBootAnswer()
    {
        var s = State();
        if (s.AppBoot.Count == 0) return null;
        var list = new AppBootConfigList { ServerToken = s.Token };
        foreach (var b in s.AppBoot)
            list.AppConfigs.Add(new AppBootConfig
            {
                Id = b.Id ?? "", Displayname = b.DisplayName ?? "",
                UsbBoot = b.UsbBoot switch { "usb" => BootOrder.Usb, "nousb" => BootOrder.Nousb, _ => BootOrder.Unspecified },
            });
        return list;
    }
}
