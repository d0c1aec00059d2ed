// One device: what it reports (info, ports, partitions, apps) and, for operators, reboot and a
// base-OS update that counts down before it is sent (and can be cancelled until then).
import { get, post, all, canWrite } from '../api.js';
import { el, when, ago, bytes, section, stateBadge, confirmAction, errorBox, showError, clearError } from '../ui.js';

export const UPDATE_COUNTDOWN_SECONDS = 10;

function field(label, value) { return [el('dt', {}, label), el('dd', {}, value ?? '—')]; }

function table(id, heads, rows, empty) {
  return el('table', { id, class: 'list', 'data-loaded': String(rows.length) },
    el('thead', {}, el('tr', {}, heads.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: heads.length, class: 'empty' }, empty))));
}

export default function device(view, id) {
  const path = `/devices/${encodeURIComponent(id)}`;
  const message = el('p', { class: 'message', role: 'status', hidden: true });
  const errors = errorBox();
  const body = el('div', { id: 'device-detail' });
  let countdown = null;
  view.append(el('p', {}, el('a', { href: '#/devices' }, '‹ Devices')), message, errors, body);

  function say(text) { message.textContent = text; message.hidden = false; }

  async function reboot(d) {
    clearError(errors);
    if (!await confirmAction(`Reboot device ${d.name}? Its apps stop until it is back.`, 'Reboot')) return;
    try {
      const r = await post(`${path}/reboot`);
      say(`Reboot requested (counter ${r.counter}, config version ${r.configVersion}); the device reboots at its next config poll.`);
    } catch (e) { showError(errors, e); }
  }

  async function update(d, select, button, cancel) {
    clearError(errors);
    const target = select.value;
    if (!target) { showError(errors, { message: 'Choose a base-OS version first.', problems: [{ field: 'baseOs', rule: 'required' }] }); return; }
    const label = select.selectedOptions[0].textContent;
    if (!await confirmAction(`Update device ${d.name} to ${label}? It downloads the image, writes the other partition and reboots into it.`, 'Update')) return;
    let left = UPDATE_COUNTDOWN_SECONDS;
    button.disabled = true;
    cancel.hidden = false;
    say(`Updating to ${label} in ${left} s… (Cancel stops it)`);
    countdown = setInterval(async () => {
      left--;
      if (left > 0) { say(`Updating to ${label} in ${left} s… (Cancel stops it)`); return; }
      clearInterval(countdown);
      countdown = null;
      cancel.hidden = true;
      try {
        await post(`${path}/baseos`, { baseOs: target });
        say(`Update to ${label} sent: the device's partitions below show its progress.`);
      } catch (e) { showError(errors, e); message.hidden = true; }
      button.disabled = false;
    }, 1000);
  }

  function cancelUpdate(button, cancel) {
    if (countdown) clearInterval(countdown);
    countdown = null;
    cancel.hidden = true;
    button.disabled = false;
    say('Update cancelled: nothing was sent.');
  }

  async function load() {
    try {
      const [d, info, apps] = await Promise.all([get(path), get(`${path}/info`), get(`${path}/apps`)]);
      const dinfo = info.find((i) => i.kind === 'ZiDevice')?.message?.dinfo || {};
      const ports = (dinfo.network || []).map((n) => el('tr', {},
        el('td', {}, n.localName || n.alias || n.devName || '—'), el('td', {}, n.devName || '—'),
        el('td', {}, (n.IPAddrs || n.ipAddrs || []).join(', ') || '—'), el('td', {}, n.macAddr || '—'),
        el('td', {}, n.uplink ? 'yes' : 'no'), el('td', {}, n.networkErr?.description || '')));
      const parts = (dinfo.swList || []).map((s) => el('tr', {},
        el('td', {}, s.partitionLabel || '—'), el('td', {}, s.partitionState || '—'), el('td', {}, s.shortVersion || '—'),
        el('td', {}, stateBadge(s.status)), el('td', {}, s.activated ? 'yes' : 'no'),
        el('td', {}, s.downloadProgress ? `${s.downloadProgress} %` : ''), el('td', {}, s.swErr?.description || '')));
      const appRows = apps.map((a) => el('tr', {}, el('td', {}, a.name || a.appId), el('td', {}, stateBadge(a.state)),
        el('td', {}, ago(a.receivedAt)), el('td', {}, a.errors.join('; '))));
      const children = [
        section(`Device ${d.name || d.id}`, el('dl', { class: 'facts' },
          field('Id', d.id), field('Serial', d.serial), field('State', stateBadge(dinfo.state || 'not reported')),
          field('Memory', dinfo.memory ? `${dinfo.memory} MB` : null), field('CPUs', dinfo.ncpu), field('Storage', dinfo.storage ? `${dinfo.storage} MB` : null),
          field('Last seen', `${ago(d.lastSeenAt)} (${when(d.lastSeenAt)})`), field('Registered', when(d.registeredAt)),
          field('Config', `version ${d.configVersion}, mode ${d.mode}${d.modeReason ? ` (${d.modeReason})` : ''}`),
          field('Last reboot', dinfo.lastRebootReason ? `${dinfo.lastRebootReason} at ${when(dinfo.lastRebootTime)}` : null)),
        el('p', {}, el('a', { href: `#/logs?device=${encodeURIComponent(d.id)}` }, 'Logs'), ' · ',
          el('a', { href: `#/metrics?device=${encodeURIComponent(d.id)}` }, 'Metrics'))),
        section('Ports', table('ports-table', ['Port', 'Interface', 'Addresses', 'MAC', 'Uplink', 'Error'], ports, 'No ports reported yet.')),
        section('Partitions', table('partitions-table', ['Partition', 'State', 'Version', 'Status', 'Active', 'Download', 'Error'], parts, 'No partitions reported yet.')),
        section('Apps on this device', table('device-apps-table', ['App', 'State', 'Reported', 'Errors'], appRows, 'No apps reported by this device.')),
      ];
      if (canWrite()) {
        const select = el('select', { name: 'baseOs', id: 'baseos-select' }, el('option', { value: '' }, '— base-OS version —'));
        for (const b of await all('/base-os').catch(() => [])) select.append(el('option', { value: b.id }, `${b.name} (${b.version})`));
        const button = el('button', { type: 'button', id: 'update-button' }, 'Update');
        const cancel = el('button', { type: 'button', class: 'secondary', id: 'update-cancel', hidden: true }, 'Cancel update');
        button.addEventListener('click', () => update(d, select, button, cancel));
        cancel.addEventListener('click', () => cancelUpdate(button, cancel));
        children.push(section('Actions', el('div', { class: 'actions' },
          el('button', { type: 'button', id: 'reboot-button', class: 'danger', onclick: () => reboot(d) }, 'Reboot'),
          el('span', { class: 'spacer' }), select, button, cancel)));
      }
      body.replaceChildren(...children);
      body.dataset.loaded = 'true';
    } catch (e) { showError(errors, e); }
  }

  load();
  return () => { if (countdown) clearInterval(countdown); };
}
