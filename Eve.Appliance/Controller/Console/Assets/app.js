// The console's shell: login, navigation by URL hash (#/devices, #/devices/ID, #/apps…), logout.
import { post, get, session, saveSession, clearSession, onUnauthorized } from './api.js';
import devices from './pages/devices.js';
import device from './pages/device.js';
import apps from './pages/apps.js';
import networks from './pages/networks.js';
import images from './pages/images.js';
import logs from './pages/logs.js';
import metrics from './pages/metrics.js';
import audit from './pages/audit.js';

const pages = { devices, apps, networks, images, logs, metrics, audit };
let leave = null; // the current page's cleanup (timers, streams)

function showLogin(message) {
  if (leave) { leave(); leave = null; }
  document.getElementById('top').hidden = true;
  document.getElementById('view').replaceChildren();
  document.getElementById('login').hidden = false;
  const box = document.getElementById('login-message');
  box.textContent = message || '';
  box.hidden = !message;
  document.querySelector('#login-form input[name=name]').focus();
}

function route() {
  if (!session()) { showLogin(); return; }
  document.getElementById('login').hidden = true;
  document.getElementById('top').hidden = false;
  const s = session();
  document.getElementById('who').textContent = `${s.operator} (${s.role})`;
  const hash = location.hash.replace(/^#\/?/, '') || 'devices';
  const [pathPart, query = ''] = hash.split('?');
  const parts = pathPart.split('/').map(decodeURIComponent);
  const params = new URLSearchParams(query);
  let render = pages[parts[0]];
  let arg = params;
  if (parts[0] === 'devices' && parts[1]) { render = device; arg = parts[1]; }
  if (!render) { location.hash = '#/devices'; return; }
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === parts[0]);
  if (leave) leave();
  const view = document.getElementById('view');
  view.replaceChildren();
  view.dataset.page = parts[0];
  leave = render(view, arg) || null;
}

async function login(event) {
  event.preventDefault();
  const form = event.target;
  const button = form.querySelector('button');
  button.disabled = true;
  try {
    const answer = await post('/login', { name: form.elements.name.value, password: form.elements.password.value });
    saveSession({ token: answer.token, operator: answer.operator, role: answer.role, expiresAt: answer.expiresAt });
    form.reset();
    route();
  } catch (e) {
    showLogin(e.status === 401 ? 'Wrong operator name or password.' : `Login failed: ${e.message}`);
  } finally {
    button.disabled = false;
  }
}

function logout() {
  clearSession();
  showLogin('You are logged out.');
}

async function start() {
  document.getElementById('login-form').addEventListener('submit', login);
  document.getElementById('logout').addEventListener('click', logout);
  onUnauthorized((message) => showLogin(message));
  window.addEventListener('hashchange', route);
  if (session()) {
    // The token may have expired or been revoked since it was stored.
    try { await get('/whoami'); } catch { if (!session()) return; }
  }
  route();
}

start();
