// Apps: create one from images (and deploy it to a device), start/stop/restart/purge/delete, the
// state each device reports (refreshed every few seconds), and the VNC console link.
import { all, get, post, put, del, canWrite, session } from '../api.js';
import { el, section, stateBadge, pagedTable, confirmAction, errorBox, showError, clearError } from '../ui.js';

const REFRESH_MS = 3000;

// A new tab starts with empty sessionStorage (target=_blank implies noopener), so the VNC page gets
// the token in its fragment: never sent to the server, and vnc.js takes it out of the address bar.
function vncLink(app) {
  const href = `/console/vnc.html?app=${encodeURIComponent(app.id)}`;
  return el('a', {
    href, target: '_blank', rel: 'noopener',
    onclick: (e) => { e.preventDefault(); window.open(`${href}#token=${encodeURIComponent(session()?.token ?? '')}`, '_blank', 'noopener'); },
  }, 'console');
}

function imageSelect(name, images, optional) {
  return el('select', { name }, optional ? el('option', { value: '' }, '— none —') : el('option', { value: '' }, '— choose an image —'),
    images.map((i) => el('option', { value: i.id }, `${i.name} (${i.format})`)));
}

function createForm(images, networks, devices, onCreated) {
  const errors = errorBox();
  const note = el('p', { class: 'message', role: 'status', hidden: true });
  const form = el('form', { id: 'app-form', class: 'grid-form', novalidate: true },
    el('label', {}, 'Name ', el('input', { name: 'name', placeholder: 'e.g. hmi-1' })),
    el('label', {}, 'Boot disk image ', imageSelect('disk', images, true)),
    el('label', {}, 'Kernel image ', imageSelect('kernel', images, true)),
    el('label', {}, 'Initrd image ', imageSelect('initrd', images, true)),
    el('label', {}, 'Kernel arguments ', el('input', { name: 'kernelArgs', placeholder: 'console=ttyS0' })),
    el('label', {}, 'CPUs ', el('input', { name: 'cpus', type: 'number', value: '1' })),
    el('label', {}, 'Memory (MB) ', el('input', { name: 'memoryMb', type: 'number', value: '256' })),
    el('label', {}, 'Networks ', el('select', { name: 'networks', multiple: true, size: Math.min(4, Math.max(networks.length, 2)) },
      networks.map((n) => el('option', { value: n.id }, `${n.name} (${n.kind}${n.subnet ? ` ${n.subnet}` : ''})`)))),
    el('label', { class: 'check' }, el('input', { name: 'vnc', type: 'checkbox' }), ' VNC console'),
    el('label', {}, 'VNC display (port 5900 + n) ', el('input', { name: 'vncDisplay', type: 'number', value: '0' })),
    el('label', {}, 'Deploy to device ', el('select', { name: 'device' }, el('option', { value: '' }, '— not yet —'),
      devices.map((d) => el('option', { value: d.id }, d.name || d.serial || d.id)))),
    el('div', { class: 'form-actions' }, el('button', { type: 'submit' }, 'Create app')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError(errors);
    note.hidden = true;
    const f = form.elements;
    const imagesOf = [['disk', f.disk.value], ['kernel', f.kernel.value], ['initrd', f.initrd.value]]
      .filter(([, id]) => id).map(([target, imageId]) => ({ imageId, target }));
    const nets = [...f.networks.selectedOptions].map((o) => o.value);
    const app = {
      name: f.name.value.trim(),
      images: imagesOf,
      cpus: Number(f.cpus.value),
      memoryMb: Number(f.memoryMb.value),
      kernelArgs: f.kernelArgs.value.trim() || null,
      vnc: f.vnc.checked,
      vncDisplay: Number(f.vncDisplay.value),
      // Each network is one NIC; the app may reach anywhere until an operator narrows its ACLs.
      interfaces: nets.map((networkId, i) => ({ name: `eth${i}`, networkId, acls: [{ matches: [{ type: 'ip', value: '0.0.0.0/0' }], action: 'allow' }] })),
    };
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const created = await post('/apps', app);
      if (f.device.value) {
        const device = f.device.value;
        try {
          const a = await get(`/devices/${encodeURIComponent(device)}/assignment`);
          const assignment = a.mode === 'objects' ? a : { apps: [], networks: [], volumes: [], configItems: [], profiles: [] };
          assignment.apps = [...new Set([...(assignment.apps || []), created.id])];
          await put(`/devices/${encodeURIComponent(device)}/assignment`, {
            apps: assignment.apps, networks: assignment.networks || [], volumes: assignment.volumes || [],
            configItems: assignment.configItems || [], profiles: assignment.profiles || [],
            portConfig: assignment.portConfig ?? null, baseOs: assignment.baseOs ?? null,
          });
        } catch (e) {
          e.message = `App '${created.name}' was created but not deployed: ${e.message}`;
          throw e;
        }
      }
      note.textContent = `App '${created.name}' created${f.device.value ? ' and deployed' : ''}.`;
      note.hidden = false;
      form.reset();
      onCreated();
    } catch (e) {
      showError(errors, e);
      onCreated();
    } finally {
      button.disabled = false;
    }
  });
  return section('Create an app', note, form, errors);
}

export default function apps(view) {
  let states = new Map();
  const stateCell = (a) => {
    const reported = states.get(a.id) || [];
    const cell = el('span', { class: 'app-state', 'data-app': a.id });
    if (!reported.length) cell.append(stateBadge(a.activate ? 'not reported' : 'stopped'));
    for (const r of reported) {
      cell.append(stateBadge(r.state));
      if (r.errors.length) cell.append(el('span', { class: 'error-text' }, ` ${r.errors.join('; ')}`));
    }
    return cell;
  };
  const action = (a, verb, ask) => el('button', {
    type: 'button', class: verb === 'purge' || verb === 'delete' ? 'danger small' : 'small', 'data-action': verb,
    onclick: async () => {
      if (ask && !await confirmAction(ask, verb[0].toUpperCase() + verb.slice(1))) return;
      try {
        if (verb === 'delete') await del(`/apps/${a.id}`); else await post(`/apps/${a.id}/${verb}`);
        listErrors.hidden = true;
        table.load();
      } catch (e) { showError(listErrors, e); }
    },
  }, verb);
  const columns = [
    { title: 'Name', cell: (a) => a.name },
    { title: 'State', cell: stateCell },
    { title: 'CPUs', cell: (a) => String(a.cpus) },
    { title: 'Memory', cell: (a) => `${a.memoryMb} MB` },
    { title: 'Images', cell: (a) => a.images.map((i) => i.target).join(', ') },
    { title: 'Console', cell: (a) => (a.vnc ? vncLink(a) : '—') },
  ];
  if (canWrite()) {
    columns.push({
      title: 'Actions',
      cell: (a) => el('span', { class: 'actions' },
        a.activate ? action(a, 'stop', `Stop app ${a.name} on every device it runs on?`) : action(a, 'start'),
        action(a, 'restart', `Restart app ${a.name}?`),
        action(a, 'purge', `Purge app ${a.name}? Its disks are recreated from the images: data written since is lost.`),
        action(a, 'delete', `Delete app ${a.name}? (refused while a device runs it)`)),
    });
  }
  const listErrors = errorBox();
  const table = pagedTable({ id: 'apps-table', path: '/apps', columns, empty: 'No apps yet.', alongside: () => fetchStates() });
  const holder = el('div');
  view.append(holder, section('Apps', listErrors, table.root));

  async function fetchStates() {
    try {
      const list = await get('/app-states');
      states = new Map();
      for (const s of list) states.set(s.appId, [...(states.get(s.appId) || []), s]);
      return true;
    } catch { return false; } // keep the last states; the list shows errors
  }

  function paintStates() {
    const byId = new Map(table.rows().map((a) => [a.id, a]));
    for (const cell of view.querySelectorAll('.app-state')) {
      const row = byId.get(cell.dataset.app);
      if (row) cell.replaceWith(stateCell(row));
    }
  }

  async function refreshStates() { if (await fetchStates()) paintStates(); }

  (async () => {
    await table.load();
    if (canWrite()) {
      const [images, networks, devices] = await Promise.all([all('/images'), all('/networks'), all('/devices')]);
      holder.replaceChildren(createForm(images, networks, devices, () => table.load()));
    }
  })();
  const timer = setInterval(refreshStates, REFRESH_MS);
  return () => clearInterval(timer);
}
