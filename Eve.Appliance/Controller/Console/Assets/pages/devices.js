// Devices: name, state and base-OS version as last reported, last seen, config version.
import { all } from '../api.js';
import { el, ago, section, stateBadge, pagedTable } from '../ui.js';

export default function devices(view) {
  let status = new Map();
  const table = pagedTable({
    id: 'devices-table',
    path: '/devices',
    // The reported state and version, fetched beside each page of the list.
    alongside: async () => {
      try { status = new Map((await all('/device-status')).map((s) => [s.deviceId, s])); } catch { /* keep the last; the list shows errors */ }
    },
    empty: 'No devices yet: a device appears here once it has onboarded.',
    columns: [
      { title: 'Name', cell: (d) => el('a', { href: `#/devices/${encodeURIComponent(d.id)}` }, d.name || d.serial || d.id) },
      { title: 'Serial', cell: (d) => d.serial || '—' },
      { title: 'State', cell: (d) => stateBadge(status.get(d.id)?.state || 'not reported') },
      { title: 'Version', cell: (d) => status.get(d.id)?.version || '—' },
      { title: 'Last seen', cell: (d) => el('span', { title: d.lastSeenAt || '' }, ago(d.lastSeenAt)) },
      { title: 'Config', cell: (d) => `v${d.configVersion} (${d.mode})` },
      { title: 'Apps', cell: (d) => String(d.apps) },
    ],
  });
  view.append(section('Devices', table.root));

  table.load();
  const timer = setInterval(table.load, 15000);
  return () => clearInterval(timer);
}
