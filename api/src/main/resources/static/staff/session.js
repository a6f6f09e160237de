// The signed-in staff member: tokens kept in sessionStorage only (gone with the tab), the access token refreshed a
// minute before it expires, and every API call, with problem+json errors turned into their `detail`.
const KEY = 'patientcrm.staff.session';
const EXPIRED = 'Your session has expired. Please sign in again.';

/** Thrown when the session ended during a call: the console is back at sign-in, there is nothing to show. */
export class SessionEnded extends Error {}

let current = null; // { accessToken, refreshToken, expiresAt, username }
let claims = {};
let refreshing = null;
let timer = null;
let ended = () => {};

export const me = () => claims.sub || null;
export const roles = () => (Array.isArray(claims.roles) ? claims.roles : []);
export const username = () => (current ? current.username : null);
export const accessToken = () => (current ? current.accessToken : null);

/** Called with a message (or none, after "Sign out") whenever the session ends. */
export function onEnded(callback) {
  ended = callback;
}

function decode(token) {
  const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function start(tokens, name) {
  const next = {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token || null,
    expiresAt: tokens.expiresAt || Date.now() + (tokens.expires_in || 900) * 1000,
    username: name,
  };
  claims = decode(next.accessToken);
  current = next;
  sessionStorage.setItem(KEY, JSON.stringify(next));
  clearTimeout(timer);
  timer = setTimeout(() => refresh(), Math.max(next.expiresAt - Date.now() - 60000, 5000));
}

export async function problemText(response) {
  try {
    const problem = await response.json();
    const fields = Array.isArray(problem.errors)
      ? problem.errors.map((e) => [e.field || e.pointer || e.name, e.message || e.detail].filter(Boolean).join(': '))
      : [];
    return [problem.detail || problem.title || `Request failed (${response.status}).`, ...fields].join(' ');
  } catch (e) {
    return `Request failed (${response.status}).`;
  }
}

async function post(path, body) {
  return fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
}

export async function signIn(name, password) {
  const response = await post('/api/v1/auth/staff', { username: name, password });
  if (!response.ok) throw new Error(await problemText(response));
  start(await response.json(), name);
}

/** Takes up a session this tab already has; answers whether there is one. */
export async function resume() {
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(KEY));
    if (!saved || !saved.accessToken) return false;
    start({ access_token: saved.accessToken, refresh_token: saved.refreshToken, expiresAt: saved.expiresAt },
      saved.username);
  } catch (e) {
    sessionStorage.removeItem(KEY);
    return false;
  }
  return saved.expiresAt - Date.now() > 30000 || refresh();
}

/** A new access token (one refresh at a time); answers whether the session goes on, else it has ended. */
export function refresh() {
  if (refreshing) return refreshing;
  const session = current;
  refreshing = (async () => {
    try {
      if (!session || !session.refreshToken) throw new Error('no refresh token');
      const response = await post('/api/v1/auth/refresh', { refresh_token: session.refreshToken });
      if (!response.ok) throw new Error(await problemText(response));
      start(await response.json(), session.username);
      return true;
    } catch (e) {
      end(EXPIRED);
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Ends the session here, and on the server too when the staff member signed out. */
export function end(message) {
  const session = current;
  clearTimeout(timer);
  current = null;
  claims = {};
  sessionStorage.removeItem(KEY);
  if (session && session.refreshToken && !message) {
    post('/api/v1/auth/logout', { refresh_token: session.refreshToken }).catch(() => {});
  }
  if (session) ended(message);
}

/** Calls the API with the access token; a 401 refreshes once and tries again. */
export async function api(method, path, body, retried) {
  if (!current) throw new SessionEnded();
  const headers = { Accept: 'application/json', Authorization: `Bearer ${current.accessToken}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, cache: 'no-store', credentials: 'omit',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new Error('The server cannot be reached. Check the connection and try again.');
  }
  if (response.status === 401 && !retried) {
    if (await refresh()) return api(method, path, body, true);
    throw new SessionEnded();
  }
  if (!response.ok) throw new Error(await problemText(response));
  return response.status === 204 ? null : response.json();
}
