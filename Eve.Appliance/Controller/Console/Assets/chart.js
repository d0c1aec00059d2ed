// Line charts as inline SVG built with the DOM (no library, nothing inline for the CSP to refuse).
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function tick(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  return a >= 100 || v === 0 ? v.toFixed(0) : v.toFixed(1);
}

/**
 * series: [{name, points: [[timeMs, value]…]}]. Returns an <svg> with axes, grid, one polyline per
 * series and a legend; data-points on the svg says how many points it drew.
 */
export function lineChart(title, unit, series, { width = 560, plotHeight = 200 } = {}) {
  // The legend gets its own rows below the time axis: four entries a row.
  const legendRows = Math.ceil(series.length / 4);
  const height = plotHeight + legendRows * 14;
  const pad = { l: 52, r: 12, t: 24, b: 28 + legendRows * 14 };
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title });
  root.append(svg('text', { x: pad.l, y: 16, class: 'chart-title' }, `${title}${unit ? ` (${unit})` : ''}`));
  const all = series.flatMap((s) => s.points);
  root.dataset.points = String(all.length);
  if (!all.length) {
    root.append(svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', class: 'chart-empty' }, 'no data in this range'));
    return root;
  }
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1);
  const y0 = Math.min(0, ...ys), y1 = Math.max(...ys, y0 + 1) * 1.05;
  const X = (t) => pad.l + ((t - x0) / (x1 - x0)) * (width - pad.l - pad.r);
  const Y = (v) => height - pad.b - ((v - y0) / (y1 - y0)) * (height - pad.t - pad.b);
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4;
    root.append(svg('line', { x1: pad.l, x2: width - pad.r, y1: Y(v), y2: Y(v), class: 'chart-grid' }));
    root.append(svg('text', { x: pad.l - 6, y: Y(v) + 4, 'text-anchor': 'end', class: 'chart-axis' }, tick(v)));
  }
  for (let i = 0; i <= 3; i++) {
    const t = x0 + ((x1 - x0) * i) / 3;
    const label = new Date(t).toISOString().slice(11, 16);
    root.append(svg('text', { x: X(t), y: height - pad.b + 16, 'text-anchor': i === 0 ? 'start' : i === 3 ? 'end' : 'middle', class: 'chart-axis' }, label));
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    if (s.points.length === 1) {
      root.append(svg('circle', { cx: X(s.points[0][0]), cy: Y(s.points[0][1]), r: 3, fill: color }));
    } else {
      root.append(svg('polyline', { points: s.points.map((p) => `${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 2 }));
    }
    const lx = pad.l + (i % 4) * 125;
    const ly = height - pad.b + 30 + Math.floor(i / 4) * 14;
    root.append(svg('rect', { x: lx, y: ly - 8, width: 10, height: 3, fill: color }));
    root.append(svg('text', { x: lx + 14, y: ly - 4, class: 'chart-legend' }, s.name.length > 18 ? `${s.name.slice(0, 17)}…` : s.name));
  });
  return root;
}
