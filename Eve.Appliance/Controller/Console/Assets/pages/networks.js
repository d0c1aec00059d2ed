// Network instances: list, create (local NAT with DHCP, or switch onto a port), delete.
import { post, del, canWrite } from '../api.js';
import { el, section, pagedTable, confirmAction, errorBox, showError, clearError } from '../ui.js';

export default function networks(view) {
  const listErrors = errorBox();
  const columns = [
    { title: 'Name', cell: (n) => n.name },
    { title: 'Kind', cell: (n) => n.kind },
    { title: 'Port', cell: (n) => n.port || '(none)' },
    { title: 'Subnet', cell: (n) => n.subnet || '—' },
    { title: 'Gateway', cell: (n) => n.gateway || '—' },
    { title: 'DHCP range', cell: (n) => (n.dhcpStart ? `${n.dhcpStart} – ${n.dhcpEnd}` : '—') },
    { title: 'DNS', cell: (n) => n.dns.join(', ') || '—' },
  ];
  if (canWrite()) {
    columns.push({
      title: 'Actions',
      cell: (n) => el('button', {
        type: 'button', class: 'danger small', 'data-action': 'delete',
        onclick: async () => {
          if (!await confirmAction(`Delete network ${n.name}? (refused while an app or device uses it)`, 'Delete')) return;
          try { await del(`/networks/${n.id}`); listErrors.hidden = true; table.load(); } catch (e) { showError(listErrors, e); }
        },
      }, 'delete'),
    });
  }
  const table = pagedTable({ id: 'networks-table', path: '/networks', columns, empty: 'No networks yet.' });
  if (canWrite()) {
    const errors = errorBox();
    const form = el('form', { id: 'network-form', class: 'grid-form', novalidate: true },
      el('label', {}, 'Name ', el('input', { name: 'name', placeholder: 'e.g. plant-lan' })),
      el('label', {}, 'Kind ', el('select', { name: 'kind' }, el('option', { value: 'local' }, 'local (NAT + DHCP)'), el('option', { value: 'switch' }, 'switch (bridged)'))),
      el('label', {}, 'Port ', el('input', { name: 'port', value: 'uplink' })),
      el('label', {}, 'Subnet ', el('input', { name: 'subnet', placeholder: '10.1.0.0/24' })),
      el('label', {}, 'Gateway ', el('input', { name: 'gateway', placeholder: '10.1.0.1' })),
      el('label', {}, 'DHCP start ', el('input', { name: 'dhcpStart' })),
      el('label', {}, 'DHCP end ', el('input', { name: 'dhcpEnd' })),
      el('label', {}, 'DNS servers ', el('input', { name: 'dns', placeholder: 'comma separated' })),
      el('div', { class: 'form-actions' }, el('button', { type: 'submit' }, 'Create network')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError(errors);
      const f = form.elements;
      const opt = (v) => v.trim() || null;
      try {
        await post('/networks', {
          name: f.name.value.trim(), kind: f.kind.value, port: f.port.value.trim(), subnet: opt(f.subnet.value), gateway: opt(f.gateway.value),
          dhcpStart: opt(f.dhcpStart.value), dhcpEnd: opt(f.dhcpEnd.value), dns: f.dns.value.split(',').map((s) => s.trim()).filter(Boolean),
        });
        form.reset();
        table.load();
      } catch (e) { showError(errors, e); }
    });
    view.append(section('Create a network', form, errors));
  }
  view.append(section('Networks', listErrors, table.root));
  table.load();
}
