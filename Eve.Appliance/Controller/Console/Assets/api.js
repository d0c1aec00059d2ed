// The operator API as the console uses it: bearer token from sessionStorage, JSON both ways,
// errors carrying the API's message and its field/rule problems, paged lists and uploads.

export const BASE = '/api/ops/v1';
const KEY = 'eve.console.session';

export class ApiError extends Error {
  constructor(status, message, problems = []) {
    super(message);
    this.status = status;
    this.problems = problems;
  }
}

export function session() {
  try { return JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch { return null; }
}

export function saveSession(s) { sessionStorage.setItem(KEY, JSON.stringify(s)); }
export function clearSession() { sessionStorage.removeItem(KEY); }

/** viewer reads; operator and admin also change things. */
export function canWrite() {
  const s = session();
  return !!s && (s.role === 'operator' || s.role === 'admin');
}

let unauthorized = () => {};
/** Called with a message when a request with a session gets 401 (expired or revoked token). */
export function onUnauthorized(handler) { unauthorized = handler; }

function headers(json) {
  const h = { Accept: 'application/json' };
  const s = session();
  if (s) h.Authorization = `Bearer ${s.token}`;
  if (json) h['Content-Type'] = 'application/json';
  return h;
}

async function errorOf(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: use the status line */ }
  const message = body?.error || `${response.status} ${response.statusText}`;
  return new ApiError(response.status, message, body?.problems || []);
}

function expired(status) {
  if (status === 401 && session()) {
    clearSession();
    unauthorized('Your session ended (the server answered 401): log in again.');
  }
}

export async function api(method, path, body, signal) {
  const response = await fetch(BASE + path, {
    method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body), signal,
  });
  if (!response.ok) {
    expired(response.status);
    throw await errorOf(response);
  }
  if (response.status === 204) return null;
  return (response.headers.get('content-type') || '').includes('json') ? response.json() : response.text();
}

export const get = (path, signal) => api('GET', path, undefined, signal);
export const post = (path, body) => api('POST', path, body ?? {});
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

/** One page of a list: ?limit&offset, total from X-Total-Count (absent: the list is one page). */
export async function page(path, limit, offset, signal) {
  const sep = path.includes('?') ? '&' : '?';
  const response = await fetch(`${BASE}${path}${sep}limit=${limit}&offset=${offset}`, { headers: headers(false), signal });
  if (!response.ok) {
    expired(response.status);
    throw await errorOf(response);
  }
  const items = await response.json();
  const header = response.headers.get('X-Total-Count');
  const total = header === null ? null : Number(header);
  return { items, total };
}

/** Every item of a list, page by page (for selects and joins). */
export async function all(path, signal) {
  const items = [];
  for (let offset = 0; ; ) {
    const p = await page(path, 1000, offset, signal);
    items.push(...p.items);
    offset += p.items.length;
    if (p.total === null || offset >= p.total || p.items.length === 0) return items;
  }
}

/** Uploads a file as the request body with progress (fetch has no upload progress; XHR does). */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', BASE + path);
    const s = session();
    if (s) xhr.setRequestHeader('Authorization', `Bearer ${s.token}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'the upload failed: the connection to the appliance broke'));
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* keep null */ }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(body); return; }
      expired(xhr.status);
      reject(new ApiError(xhr.status, body?.error || `${xhr.status} ${xhr.statusText}`, body?.problems || []));
    };
    xhr.send(file);
  });
}
