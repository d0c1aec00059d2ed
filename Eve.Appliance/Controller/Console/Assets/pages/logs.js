// Logs of a device: search by app, level, time and text; follow new lines through the server's
// event stream (GET …/logs/stream, Server-Sent Events), or by polling with ?after=<last id> where
// the stream is not there (404).
import { all, get, session, BASE } from '../api.js';
import { el, when, section, errorBox, showError, clearError } from '../ui.js';

const POLL_MS = 2000;
const MAX_ROWS = 2000;

function deviceSelect(devices, selected) {
  return el('select', { name: 'device' }, devices.map((d) => el('option', { value: d.id, selected: d.id === selected }, d.name || d.serial || d.id)));
}

export default function logs(view, params) {
  const errors = errorBox();
  const body = el('tbody');
  const table = el('table', { id: 'logs-table', class: 'list logs' },
    el('thead', {}, el('tr', {}, ['Time', 'Level', 'Source', 'App', 'Message'].map((h) => el('th', {}, h)))), body);
  const status = el('span', { id: 'follow-status', class: 'progress-text' });
  const form = el('form', { id: 'logs-form', class: 'inline-form' });
  let lastId = 0;
  let follow = null; // {stop()}
  let appNames = new Map();
  view.append(section('Logs', form, errors, el('div', { class: 'scroll' }, table)));

  const query = (extra = {}) => {
    const f = form.elements;
    const q = new URLSearchParams();
    if (f.app.value) q.set('app', f.app.value);
    if (f.level.value) q.set('level', f.level.value);
    if (f.since.value.trim()) q.set('since', f.since.value.trim());
    if (f.text.value.trim()) q.set('text', f.text.value.trim());
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return q;
  };
  const row = (l) => el('tr', { 'data-id': l.id, class: `level-${l.severity}` }, el('td', {}, when(l.at)), el('td', {}, l.severity),
    el('td', {}, l.source), el('td', {}, l.appId ? appNames.get(l.appId) || l.appId.slice(0, 8) : 'device'), el('td', { class: 'log-text' }, l.content));
  const add = (lines) => {
    for (const l of [...lines].sort((a, b) => a.id - b.id)) { body.prepend(row(l)); lastId = Math.max(lastId, l.id); }
    while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
    table.dataset.loaded = String(body.rows.length);
  };
  const device = () => encodeURIComponent(form.elements.device.value);

  async function search() {
    clearError(errors);
    stopFollowing();
    table.removeAttribute('data-loaded');
    body.replaceChildren();
    lastId = 0;
    try {
      // Oldest first from the server, 500 at a time; the table keeps the newest MAX_ROWS on top.
      for (let pages = 0; pages < MAX_ROWS / 500 * 4; pages++) {
        const lines = await get(`/devices/${device()}/logs?${query({ after: String(lastId), limit: '500' })}`);
        add(lines);
        if (lines.length < 500) break;
      }
      table.dataset.loaded = String(body.rows.length);
      if (form.elements.follow.checked) startFollowing();
    } catch (e) { showError(errors, e); }
  }

  function poll() {
    let timer = null;
    let stopped = false;
    const tick = async () => {
      try { add(await get(`/devices/${device()}/logs?${query({ after: String(lastId), limit: '500' })}`)); } catch (e) { showError(errors, e); }
      if (!stopped) timer = setTimeout(tick, POLL_MS);
    };
    status.textContent = 'following (polling every 2 s)';
    tick();
    return { stop: () => { stopped = true; clearTimeout(timer); } };
  }

  /** EventSource cannot send the bearer token, so the stream is read with fetch and parsed here. */
  function stream() {
    const abort = new AbortController();
    const handle = { stop: () => abort.abort() };
    (async () => {
      let response;
      try {
        response = await fetch(`${BASE}/devices/${device()}/logs/stream?${query({ after: String(lastId) })}`, {
          headers: { Accept: 'text/event-stream', Authorization: `Bearer ${session()?.token}` }, signal: abort.signal,
        });
      } catch { if (!abort.signal.aborted) follow = poll(); return; }
      if (!response.ok || !(response.headers.get('content-type') || '').includes('text/event-stream')) {
        if (!abort.signal.aborted) follow = poll();
        return;
      }
      status.textContent = 'following (live stream)';
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const event = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
            if (!data) continue;
            try { const parsed = JSON.parse(data); add(Array.isArray(parsed) ? parsed : [parsed]); } catch { /* not a log line: ignore */ }
          }
        }
      } catch { /* aborted or connection lost */ }
      if (!abort.signal.aborted) follow = poll(); // the stream ended: keep following by polling
    })();
    return handle;
  }

  function startFollowing() { stopFollowing(); follow = stream(); }
  function stopFollowing() { if (follow) follow.stop(); follow = null; status.textContent = ''; }

  (async () => {
    let devices = [];
    try { devices = await all('/devices'); } catch (e) { showError(errors, e); return; }
    if (!devices.length) { showError(errors, { message: 'No devices yet: logs come from devices.' }); return; }
    const chosen = params.get('device') || devices[0].id;
    const apps = await all('/apps').catch(() => []);
    appNames = new Map(apps.map((a) => [a.id, a.name]));
    form.append(
      el('label', {}, 'Device ', deviceSelect(devices, chosen)),
      el('label', {}, 'App ', el('select', { name: 'app' }, el('option', { value: '' }, 'all'), apps.map((a) => el('option', { value: a.id }, a.name)))),
      el('label', {}, 'Level ', el('select', { name: 'level' }, el('option', { value: '' }, 'any'),
        ['debug', 'info', 'notice', 'warning', 'error'].map((l) => el('option', { value: l }, `${l} and above`)))),
      el('label', {}, 'Since ', el('input', { name: 'since', value: params.get('since') || '1h', size: '8' })),
      el('label', {}, 'Text ', el('input', { name: 'text', value: params.get('text') || '' })),
      el('label', { class: 'check' }, el('input', { name: 'follow', type: 'checkbox' }), ' Follow'),
      el('button', { type: 'submit' }, 'Search'), status);
    form.addEventListener('submit', (event) => { event.preventDefault(); search(); });
    form.elements.follow.addEventListener('change', () => (form.elements.follow.checked ? startFollowing() : stopFollowing()));
    search();
  })();
  return () => stopFollowing();
}
