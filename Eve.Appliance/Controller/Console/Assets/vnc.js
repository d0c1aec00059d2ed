// The VNC console of one app: vnc.html?app=<app id or name>[&device=<device>].
// Asks the controller for a one-use ticket (POST with the operator's token: a WebSocket cannot carry
// an Authorization header), then lets noVNC's RFB (Debian's novnc, served at ./novnc/) speak RFB
// over the WebSocket relay GET /api/ops/v1/apps/{id}/vnc?ticket=….
// The token comes from #token=… (kept in this tab's sessionStorage and taken out of the address bar)
// or from the console's login session (sessionStorage "eve.console.session", {token, role, …}).
const TOKEN_KEY = "eve.vnc.token";
const CONSOLE_SESSION = "eve.console.session";

const params = new URLSearchParams(location.search);
const app = params.get("app");
const device = params.get("device");
const status = document.getElementById("status");

function show(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

function token() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const fromHash = hash.get("token");
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, "", location.pathname + location.search);
    return fromHash;
  }
  const kept = sessionStorage.getItem(TOKEN_KEY);
  if (kept) return kept;
  try {
    return JSON.parse(sessionStorage.getItem(CONSOLE_SESSION) || "null")?.token || null;
  } catch {
    return null;
  }
}

async function main() {
  if (!app) {
    show("error", "no app given: open this page as vnc.html?app=<app id or name>");
    return;
  }
  let RFB;
  try {
    RFB = (await import("./novnc/core/rfb.js")).default;
  } catch (e) {
    show("error", "noVNC is not installed on this controller: install Debian's 'novnc' package " +
      "(it provides /usr/share/novnc), then reload (" + e.message + ")");
    return;
  }
  const t = token();
  const query = device ? "?device=" + encodeURIComponent(device) : "";
  let answer;
  try {
    const r = await fetch(`/api/ops/v1/apps/${encodeURIComponent(app)}/vnc/ticket${query}`, {
      method: "POST",
      headers: t ? { Authorization: "Bearer " + t } : {},
    });
    answer = await r.json().catch(() => ({}));
    if (!r.ok) {
      show("error", `refused (${r.status}): ${answer.error || r.statusText}` + (r.status === 401 ? " — log in to the console first" : ""));
      return;
    }
  } catch (e) {
    show("error", "cannot reach the controller: " + e.message);
    return;
  }
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + answer.url;
  show("connecting", `connecting to ${answer.app} on ${answer.device}…`);
  const rfb = new RFB(document.getElementById("screen"), url, {
    shared: true,
    credentials: answer.password ? { password: answer.password } : undefined,
  });
  rfb.scaleViewport = true;
  rfb.addEventListener("connect", () => {
    show("connected", `connected: ${answer.app} on ${answer.device}`);
    document.getElementById("cad").disabled = false;
  });
  rfb.addEventListener("disconnect", e => {
    document.getElementById("cad").disabled = true;
    if (e.detail.clean) show("disconnected", `disconnected from ${answer.app} (reload to connect again)`);
    else show("error", `connection to ${answer.app} lost or refused (is the app running? the controller's audit log has the reason)`);
  });
  rfb.addEventListener("credentialsrequired", () => show("error", "the app's VNC server asks for a password the controller does not know"));
  rfb.addEventListener("securityfailure", e => show("error", "VNC security failure: " + (e.detail.reason || e.detail.status)));
  rfb.addEventListener("desktopname", e => { document.title = `${e.detail.name} — VNC`; });
  document.getElementById("cad").addEventListener("click", () => rfb.sendCtrlAltDel());
  window.eveVnc = rfb;
}

main();
