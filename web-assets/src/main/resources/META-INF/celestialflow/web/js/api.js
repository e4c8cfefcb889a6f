// The dashboard's HTTP API (docs/dashboard.md). Every POST carries the CSRF header and JSON.

const CSRF = { 'X-CelestialFlow-Csrf': '1', 'Content-Type': 'application/json' };

async function read(response) {
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { error: text }; }
  if (!response.ok) {
    const err = new Error((body && body.error) || response.statusText || String(response.status));
    err.status = response.status;
    throw err;
  }
  return body;
}

export async function get(path) {
  return read(await fetch(path, { credentials: 'same-origin', cache: 'no-store' }));
}

export async function post(path, body = {}) {
  return read(await fetch(path, {
    method: 'POST', credentials: 'same-origin', headers: CSRF, body: JSON.stringify(body),
  }));
}

const enc = encodeURIComponent;
export const api = {
  info: () => get('api/info'),
  runs: () => get('api/runs'),
  run: (id) => get(`api/runs/${enc(id)}`),
  topology: (id) => get(`api/runs/${enc(id)}/topology`),
  history: (id) => get(`api/runs/${enc(id)}/history`),
  failures: (id, params) => get(`api/runs/${enc(id)}/failures?${new URLSearchParams(params)}`),
  failure: (id, fid) => get(`api/runs/${enc(id)}/failures/${enc(fid)}`),
  inject: (id, body) => post(`api/runs/${enc(id)}/inject`, body),
  retry: (id, body) => post(`api/runs/${enc(id)}/retry`, body),
  cancel: (id) => post(`api/runs/${enc(id)}/cancel`),
  closeInputs: (id, stage) => post(`api/runs/${enc(id)}/close-inputs`, stage ? { stage } : {}),
  events: (id, interval) => new EventSource(`api/runs/${enc(id)}/events?interval=${interval}`),
};
