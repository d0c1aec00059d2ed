// The audit log: who changed what, refusals and denials, newest first; filter by actor, kind, time.
import { el, when, section, pagedTable } from '../ui.js';

export default function audit(view, params) {
  const form = el('form', { id: 'audit-form', class: 'inline-form' },
    el('label', {}, 'Operator ', el('input', { name: 'actor', value: params.get('actor') || '' })),
    el('label', {}, 'Kind ', el('input', { name: 'kind', placeholder: 'app, device…', value: params.get('kind') || '' })),
    el('label', {}, 'Since ', el('input', { name: 'since', placeholder: '1h, 7d or a time', value: params.get('since') || '' })),
    el('button', { type: 'submit' }, 'Filter'));
  const query = () => {
    const q = new URLSearchParams();
    for (const k of ['actor', 'kind', 'since']) if (form.elements[k].value.trim()) q.set(k, form.elements[k].value.trim());
    const s = q.toString();
    return s ? `/audit?${s}` : '/audit';
  };
  const table = pagedTable({
    id: 'audit-table',
    path: query,
    columns: [
      { title: 'When', cell: (e) => when(e.at) },
      { title: 'Operator', cell: (e) => e.actor },
      { title: 'Action', cell: (e) => e.action },
      { title: 'Object', cell: (e) => [e.kind, e.objectName || e.objectId].filter(Boolean).join(' ') || '—' },
      { title: 'Status', cell: (e) => el('span', { class: e.status >= 400 ? 'error-text' : '' }, String(e.status)) },
      { title: 'Detail', cell: (e) => e.detail || '' },
    ],
    empty: 'No entries.',
  });
  form.addEventListener('submit', (event) => { event.preventDefault(); table.reset(); });
  view.append(section('Audit log', form, table.root));
  table.load();
}
