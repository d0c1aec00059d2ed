// Small DOM helpers: elements, formatting, confirmations, form errors, paged tables.
import { page, canWrite } from './api.js';

/** el('button', {class: 'x', onclick: f}, 'text', child…): text is always set as text, never HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 2000) return '—';
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function ago(iso) {
  if (!iso) return 'never';
  const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function bytes(n) {
  if (n === undefined || n === null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = Number(n);
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function stateBadge(state) {
  const s = (state || 'unknown').replace(/^ZDEVICE_STATE_/, '');
  const tone = /RUNNING|ONLINE|ACTIVE|INSTALLED/i.test(s) ? 'ok' : /ERROR|FAIL|HALTED|BROKEN|SUSPENDED/i.test(s) ? 'bad' : 'wait';
  return el('span', { class: `badge ${tone}`, 'data-state': s }, s);
}

/** Ask before an action; resolves true for OK. A dialog of the page, not window.confirm. */
export function confirmAction(text, ok = 'OK') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = ok;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

/** The area beside a form where the API's answer goes: message plus each field and its rule. */
export function errorBox() {
  return el('div', { class: 'form-errors', role: 'alert', hidden: true });
}

export function showError(box, error) {
  box.replaceChildren(el('p', {}, error.message || String(error)));
  if (error.problems?.length) {
    box.append(el('ul', {}, error.problems.map((p) => el('li', { 'data-field': p.field }, el('code', {}, p.field), ': ', p.rule))));
  }
  box.hidden = false;
}

export function clearError(box) { box.hidden = true; box.replaceChildren(); }

export function writeOnly(node) { return canWrite() ? node : null; }

export function section(title, ...children) {
  return el('section', { class: 'card' }, el('h2', {}, title), ...children);
}

/**
 * A table over a paged list endpoint (?limit&offset, X-Total-Count). columns: [{title, cell(row)}].
 * Sets data-loaded on the table when rows are in (the browser tests and the bench wait for it).
 * alongside: an async function fetched in parallel with each page (data the cells need), awaited before drawing.
 */
export function pagedTable({ path, columns, pageSize = 200, empty = 'Nothing here yet.', id, alongside }) {
  let offset = 0;
  const body = el('tbody');
  const table = el('table', { id, class: 'list' }, el('thead', {}, el('tr', {}, columns.map((c) => el('th', {}, c.title)))), body);
  const info = el('span', { class: 'pager-info' });
  const prev = el('button', { type: 'button', class: 'secondary', onclick: () => { offset = Math.max(0, offset - pageSize); load(); } }, '‹ Previous');
  const next = el('button', { type: 'button', class: 'secondary', onclick: () => { offset += pageSize; load(); } }, 'Next ›');
  const status = el('p', { class: 'message', role: 'alert', hidden: true });
  const root = el('div', { class: 'paged' }, status, table, el('div', { class: 'pager' }, prev, info, next));
  let rows = [];

  let total = 0;
  function draw() {
    body.replaceChildren(...(rows.length ? rows.map((r) => el('tr', { 'data-id': r.id ?? '' }, columns.map((c) => el('td', {}, c.cell(r))))) :
      [el('tr', {}, el('td', { colspan: columns.length, class: 'empty' }, empty))]));
    info.textContent = rows.length ? `${offset + 1}–${offset + rows.length} of ${total}` : `0 of ${total}`;
    prev.disabled = offset === 0;
    next.disabled = offset + rows.length >= total;
    table.dataset.loaded = String(rows.length);
    table.dataset.total = String(total);
  }

  async function load() {
    table.removeAttribute('data-loaded');
    try {
      const [p] = await Promise.all([page(typeof path === 'function' ? path() : path, pageSize, offset), alongside ? alongside() : null]);
      rows = p.items;
      total = p.total ?? offset + rows.length;
      status.hidden = true;
      draw();
    } catch (e) {
      status.textContent = `Could not load: ${e.message}`;
      status.hidden = false;
    }
  }

  return { root, table, load, draw, rows: () => rows, reset: () => { offset = 0; return load(); } };
}
