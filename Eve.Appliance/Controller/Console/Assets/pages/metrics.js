// Metrics of a device as charts: CPU, memory, disk, network (rates from the byte counters).
import { all, get } from '../api.js';
import { el, section, errorBox, showError, clearError } from '../ui.js';
import { lineChart } from '../chart.js';

const REFRESH_MS = 30000;

function pick(points, test) {
  const names = new Set();
  for (const p of points) for (const k of Object.keys(p.values)) if (test(k)) names.add(k);
  return [...names].sort().map((name) => ({
    name, points: points.filter((p) => name in p.values).map((p) => [new Date(p.at).getTime(), p.values[name]]),
  }));
}

/** Byte counters to bytes per second; a counter that went down (device reboot) starts over. */
function rates(series) {
  return series.map((s) => ({
    name: s.name.replace(/^net\./, '').replace(/_bytes$/, ''),
    points: s.points.slice(1).map((p, i) => {
      const [t0, v0] = s.points[i];
      const dt = (p[0] - t0) / 1000;
      return [p[0], dt > 0 && p[1] >= v0 ? (p[1] - v0) / dt : 0];
    }),
  }));
}

export default function metrics(view, params) {
  const errors = errorBox();
  const form = el('form', { id: 'metrics-form', class: 'inline-form' });
  const charts = el('div', { id: 'charts', class: 'charts' });
  view.append(section('Metrics', form, errors, charts));

  async function draw() {
    if (!form.elements.device) return; // the device list is not in yet
    clearError(errors);
    const f = form.elements;
    try {
      const points = await get(`/devices/${encodeURIComponent(f.device.value)}/metrics/series?since=${encodeURIComponent(f.since.value)}`);
      charts.replaceChildren(
        lineChart('CPU', '%', pick(points, (k) => k === 'cpu.percent')),
        lineChart('Memory', 'MB', pick(points, (k) => k === 'mem.used_mb' || k === 'mem.avail_mb')),
        lineChart('Disk used', 'MB', pick(points, (k) => k.startsWith('disk.') && k.endsWith('.used_mb'))),
        lineChart('Network', 'bytes/s', rates(pick(points, (k) => k.startsWith('net.') && (k.endsWith('.rx_bytes') || k.endsWith('.tx_bytes'))))));
      charts.dataset.loaded = String(points.length);
    } catch (e) { showError(errors, e); }
  }

  (async () => {
    let devices = [];
    try { devices = await all('/devices'); } catch (e) { showError(errors, e); return; }
    if (!devices.length) { showError(errors, { message: 'No devices yet: metrics come from devices.' }); return; }
    const chosen = params.get('device') || devices[0].id;
    form.append(
      el('label', {}, 'Device ', el('select', { name: 'device' }, devices.map((d) => el('option', { value: d.id, selected: d.id === chosen }, d.name || d.serial || d.id)))),
      el('label', {}, 'Range ', el('select', { name: 'since' }, [['15m', 'last 15 minutes'], ['1h', 'last hour'], ['6h', 'last 6 hours'], ['24h', 'last day'], ['7d', 'last week']]
        .map(([v, t]) => el('option', { value: v, selected: v === (params.get('since') || '1h') }, t)))),
      el('button', { type: 'submit' }, 'Show'));
    form.addEventListener('submit', (event) => { event.preventDefault(); draw(); });
    form.elements.device.addEventListener('change', draw);
    form.elements.since.addEventListener('change', draw);
    draw();
  })();
  const timer = setInterval(draw, REFRESH_MS);
  return () => clearInterval(timer);
}
