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
        for (var i = 0; i < (state.Network?.Count ?? 0); i++)
        {
            var n = state.Network![i];
            if (string.IsNullOrWhiteSpace(n.LogicalLabel)) p.Add($"network[{i}].logicalLabel", "names the port (its logical label in the device's config)");
            if (!n.Dhcp && (n.Address is not { } a || !a.Contains('/', StringComparison.Ordinal) || !System.Net.IPNetwork.TryParse(a, out _)))
                p.Add($"network[{i}].address", "a static port needs its address with prefix, e.g. 10.1.2.5/24");
            if (n.Proxy is { } proxy && !(Uri.TryCreate(proxy, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https") && u.Port > 0))
                p.Add($"network[{i}].proxy", "an http:// or https:// URL with host and port, e.g. http://user:password@10.1.2.1:3128");
        }
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

    /// <summary>The network endpoint's answer: the operator's port configs with the token; null (404) when
    /// the operator has none, which makes devices revert to the controller's config.</summary>
    public LocalNetworkConfig? NetworkAnswer()
    {
        var s = State();
        if (s.Network == null) return null;
        var config = new LocalNetworkConfig { ServerToken = s.Token };
        foreach (var n in s.Network)
        {
            var port = new NetworkPortConfig { LogicalLabel = n.LogicalLabel, UseDhcp = n.Dhcp, DnsDomain = n.DnsDomain ?? "" };
            if (!n.Dhcp && n.Address != null) port.IpAddresses.Add(n.Address);
            if (n.Gateway != null) port.Gateways.Add(n.Gateway);
            port.DnsServers.AddRange(n.Dns);
            if (n.Proxy != null && Uri.TryCreate(n.Proxy, UriKind.Absolute, out var u))
            {
                port.ProxyConfig = new ProxyConfig { Exceptions = n.ProxyExceptions ?? "" };
                // EVE's proxy server entry: host, with user:password@ in front when the URL has them.
                port.ProxyConfig.Proxies.Add(new ProxyServer
                {
                    Proto = u.Scheme == "https" ? proxyProto.ProxyHttps : proxyProto.ProxyHttp,
                    Server = string.IsNullOrEmpty(u.UserInfo) ? u.Host : $"{u.UserInfo}@{u.Host}",
                    Port = (uint)u.Port,
                });
            }
            config.Ports.Add(port);
        }
        return config;
    }

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
