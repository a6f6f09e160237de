// Staff console for the feedback inbox: plain JavaScript modules, no dependencies, served by the application itself.
// Rules kept throughout: text from the server is only ever inserted with textContent (never innerHTML), no patient
// data goes into the page address (a ticket's id in the fragment at most), the tokens live in sessionStorage only.
import { SessionEnded, accessToken, api, end, me, onEnded, problemText, refresh, resume, roles, signIn, username }
  from './session.js';
import { readEvents } from './sse.js';

const OPEN = ['NEW', 'ASSIGNED', 'IN_PROGRESS'];
const $ = (id) => document.getElementById(id);

const state = {
  tickets: new Map(), // id -> ticket, in list order through `order`
  order: [],
  nextCursor: null,
  fresh: new Set(),   // tickets created since sign-in, highlighted until opened
  selected: null,
  detail: null,
  stream: null,       // AbortController of the live stream
  timers: {},
};

// ---------- small helpers ----------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function when(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

function debounce(name, ms, fn) {
  clearTimeout(state.timers[name]);
  state.timers[name] = setTimeout(fn, ms);
}

function showError(error) {
  if (error instanceof SessionEnded) return;
  const box = $('error');
  box.textContent = error && error.message ? error.message : String(error);
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').textContent = '';
}

function who(actor) {
  return actor && actor === me() ? 'me' : (actor || '—');
}

// ---------- signing in and out ----------

async function submitSignIn(event) {
  event.preventDefault();
  clearError();
  const button = $('sign-in-button');
  button.disabled = true;
  try {
    await signIn($('username').value.trim(), $('password').value);
    $('password').value = '';
    enterConsole();
  } catch (e) {
    showError(e);
  } finally {
    button.disabled = false;
  }
}

/** Back to the sign-in form, with nothing of the session left on the page. */
function showSignIn(message) {
  if (state.stream) state.stream.abort();
  Object.values(state.timers).forEach(clearTimeout);
  Object.assign(state, {
    tickets: new Map(), order: [], nextCursor: null, fresh: new Set(), selected: null, detail: null, stream: null,
    timers: {},
  });
  for (const id of ['ticket-rows', 'history', 'alerts']) $(id).replaceChildren();
  for (const id of ['detail', 'console-view', 'session']) $(id).hidden = true;
  $('sign-in-view').hidden = false;
  $('sign-in-message').textContent = message || '';
  if (location.hash) history.replaceState(null, '', location.pathname);
  $('username').focus();
}

function enterConsole() {
  $('sign-in-view').hidden = true;
  $('console-view').hidden = false;
  $('session').hidden = false;
  $('who').textContent = username() || me();
  $('who').title = roles().join(', ');
  loadList().catch(showError);
  startStream();
  openFromHash();
}

// ---------- ticket list ----------

function listQuery(append) {
  const params = new URLSearchParams();
  for (const name of ['status', 'priority']) {
    const value = $('filter-' + name).value;
    if (value) params.set(name, value);
  }
  const q = $('filter-q').value.trim();
  if (q) params.set('q', q);
  if ($('filter-mine').checked) params.set('assignee', me());
  if (append && state.nextCursor) params.set('cursor', state.nextCursor);
  // A reload keeps as many rows as are shown (the API gives at most 200 a page).
  params.set('limit', String(append ? 50 : Math.min(200, Math.max(50, state.order.length))));
  return params;
}

async function loadList(append) {
  const page = await api('GET', '/staff/v1/feedback?' + listQuery(append));
  if (!append) {
    state.tickets = new Map();
    state.order = [];
  }
  for (const ticket of page.items) {
    if (!state.tickets.has(ticket.id)) state.order.push(ticket.id);
    state.tickets.set(ticket.id, ticket);
  }
  state.nextCursor = page.nextCursor || null;
  renderList();
}

function scheduleReload(ms) {
  debounce('list', ms === undefined ? 300 : ms, () => { if (accessToken()) loadList().catch(showError); });
}

function renderList() {
  const rows = state.order.map((id) => row(state.tickets.get(id)));
  $('ticket-rows').replaceChildren(...rows);
  $('list-empty').hidden = rows.length > 0;
  $('more').hidden = !state.nextCursor;
}

function row(t) {
  const tr = el('tr');
  tr.dataset.id = t.id;
  tr.dataset.status = t.status;
  if (state.fresh.has(t.id)) tr.classList.add('fresh');
  if (t.id === state.selected) tr.classList.add('selected');
  const flags = el('td', 'flags');
  if (state.fresh.has(t.id)) flags.append(el('span', 'badge new', 'new'), ' ');
  if (t.negative) flags.append(el('span', 'badge negative', 'negative'), ' ');
  if (t.slaBreached) flags.append(el('span', 'badge breached', 'SLA breached'));
  tr.append(
    el('td', 'number', '#' + t.number),
    el('td', 'subject', t.subject || '(no subject)'),
    el('td', 'status', t.status),
    el('td', 'priority prio-' + t.priority, t.priority),
    flags,
    el('td', 'assignee', who(t.assignee)),
    el('td', 'created', when(t.createdAt)),
  );
  tr.addEventListener('click', () => { location.hash = '#ticket/' + t.id; });
  return tr;
}

// ---------- live stream ----------

async function startStream() {
  if (state.stream) state.stream.abort();
  const controller = new AbortController();
  state.stream = controller;
  let attempt = 0;
  while (!controller.signal.aborted && accessToken()) {
    setStreamState(attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      const response = await fetch('/staff/v1/feedback/stream', {
        headers: { Accept: 'text/event-stream', Authorization: `Bearer ${accessToken()}` },
        cache: 'no-store', credentials: 'omit', signal: controller.signal,
      });
      if (response.status === 401) {
        if (!(await refresh())) return;
        continue;
      }
      if (response.status === 403) {
        showError(await problemText(response));
        setStreamState('offline');
        return;
      }
      if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
      await readEvents(response.body, (event) => {
        if (event.event === 'ready') attempt = 0;
        onStreamEvent(event);
      });
    } catch (e) {
      // A dropped connection: try again below.
    }
    if (controller.signal.aborted) return;
    setStreamState('reconnecting');
    attempt += 1;
    const backoff = Math.min(30000, 500 * 2 ** Math.min(attempt, 6));
    await sleep(backoff * (0.8 + Math.random() * 0.4), controller.signal);
  }
}

function onStreamEvent(event) {
  if (event.event === 'ready') {
    setStreamState('live');
    // Changes made while we were not listening are not replayed: read the list again.
    scheduleReload(0);
  } else if (event.event === 'ticket') {
    onTicketChange(JSON.parse(event.data));
  } else if (event.event === 'alert') {
    onAlert(JSON.parse(event.data));
  }
}

function setStreamState(value) {
  const badge = $('stream-state');
  badge.dataset.state = value;
  badge.textContent = value;
}

function onTicketChange(change) {
  if (change.change === 'created') state.fresh.add(change.ticketId);
  const shown = state.tickets.get(change.ticketId);
  if (shown && change.version >= shown.version) {
    for (const key of ['status', 'priority', 'negative', 'assignee', 'slaBreached', 'version']) shown[key] = change[key];
    renderList();
  }
  // New tickets, and whether changed ones still match the filters, come with the list itself.
  scheduleReload();
  if (change.ticketId === state.selected && state.detail && change.version > state.detail.ticket.version) {
    debounce('detail', 200, () => showTicket(state.selected, false).catch(showError));
  }
}

function onAlert(change) {
  const box = el('div', 'alert');
  box.setAttribute('role', 'alert');
  box.dataset.id = change.ticketId;
  box.append(el('span', null, 'Negative feedback #' + change.number + ' just opened (' + change.priority + ', '
    + change.category + ').'));
  const open = el('button', null, 'Open');
  open.type = 'button';
  open.addEventListener('click', () => { location.hash = '#ticket/' + change.ticketId; box.remove(); });
  const dismiss = el('button', null, 'Dismiss');
  dismiss.type = 'button';
  dismiss.addEventListener('click', () => box.remove());
  box.append(open, dismiss);
  const alerts = $('alerts');
  alerts.prepend(box);
  while (alerts.children.length > 5) alerts.lastElementChild.remove();
}

// ---------- ticket detail ----------

function openFromHash() {
  const match = /^#ticket\/([0-9a-fA-F-]{36})$/.exec(location.hash);
  if (!accessToken()) return;
  if (match) {
    showTicket(match[1], true).catch(showError);
  } else {
    state.selected = null;
    state.detail = null;
    $('detail').hidden = true;
    renderList();
  }
}

async function showTicket(id, opening) {
  if (opening) {
    clearError();
    state.selected = id;
    state.fresh.delete(id);
    renderList();
  }
  const detail = await api('GET', '/staff/v1/feedback/' + encodeURIComponent(id));
  if (state.selected !== id) return;
  state.detail = detail;
  renderDetail(detail);
}

function renderDetail(detail) {
  const t = detail.ticket;
  $('detail').hidden = false;
  $('detail').dataset.id = t.id;
  $('d-number').textContent = '#' + t.number;
  $('d-subject').textContent = t.subject || '(no subject)';
  $('d-status').textContent = t.status;
  $('d-priority').textContent = t.priority + (t.negative ? ' · negative' : '');
  $('d-assignee').textContent = who(t.assignee);
  $('d-assignee').dataset.mine = String(!!t.assignee && t.assignee === me());
  $('d-category').textContent = t.category;
  $('d-source').textContent = t.source;
  $('d-sla').textContent = when(t.slaDueAt) + (t.slaBreached ? ' (breached)' : '');
  $('d-created').textContent = when(t.createdAt);
  $('d-tags').textContent = (t.tags || []).join(', ') || '—';
  if (document.activeElement !== $('tags-text')) $('tags-text').value = (t.tags || []).join(', ');

  const open = OPEN.includes(t.status);
  $('assign-me').disabled = !open || t.assignee === me();
  $('start').hidden = !(t.status === 'NEW' || t.status === 'ASSIGNED');
  $('resolve').hidden = !open;
  $('close').hidden = t.status === 'CLOSED';
  $('reopen').hidden = open;
  for (const button of document.querySelectorAll('#detail .move')) button.disabled = false;
  const anonymous = !t.patientId;
  $('reply-text').disabled = anonymous;
  $('reply-text').placeholder = anonymous ? 'The sender has no account here: reply in WeChat instead.' : '';

  $('history').replaceChildren(...detail.history.map(historyItem));
}

function historyItem(e) {
  const kinds = { created: 'patient', message: 'patient', reply: 'reply', note: 'note' };
  const li = el('li', 'event ' + (kinds[e.kind] || 'system'));
  li.dataset.kind = e.kind;
  const actor = e.actorKind === 'staff' ? 'staff ' + who(e.actorId) : (e.actorKind || 'system');
  const label = {
    created: 'opened the ticket', message: 'wrote', reply: 'replied to the patient',
    note: 'internal note (not shown to the patient)', assigned: 'assigned it to ' + who(e.body),
    status: 'moved it ' + (e.fromStatus || '') + ' → ' + (e.toStatus || ''), tags: 'set tags',
    sla_breached: 'SLA breached',
  }[e.kind] || e.kind;
  li.append(el('div', 'meta', when(e.at) + ' · ' + actor + ' ' + label));
  if (e.body && e.kind !== 'assigned') li.append(el('div', 'text', e.body));
  return li;
}

async function act(button, path, body, after) {
  clearError();
  const id = state.selected;
  if (!id) return;
  if (button) button.disabled = true;
  try {
    await api('POST', '/staff/v1/feedback/' + encodeURIComponent(id) + path, body);
    if (after) after();
    await showTicket(id, false);
    scheduleReload(0);
  } catch (e) {
    showError(e);
    if (state.detail) renderDetail(state.detail);
  }
}

// ---------- wiring ----------

function wire() {
  $('sign-in-form').addEventListener('submit', submitSignIn);
  $('sign-out').addEventListener('click', () => end());
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); clearError(); loadList().catch(showError); });
  for (const id of ['filter-status', 'filter-priority', 'filter-mine']) {
    $(id).addEventListener('change', () => { clearError(); loadList().catch(showError); });
  }
  $('more').addEventListener('click', () => loadList(true).catch(showError));
  $('d-close').addEventListener('click', () => { history.replaceState(null, '', location.pathname); openFromHash(); });
  window.addEventListener('hashchange', openFromHash);

  $('assign-me').addEventListener('click', (e) => act(e.currentTarget, '/assign', { assignee: me() }));
  for (const button of document.querySelectorAll('#detail .move')) {
    button.addEventListener('click', (e) => {
      const comment = $('move-comment').value.trim();
      act(e.currentTarget, '/status', { status: button.dataset.to, comment: comment || null },
        () => { $('move-comment').value = ''; });
    });
  }
  $('reply-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const message = $('reply-text').value.trim();
    if (message) act(null, '/replies', { message }, () => { $('reply-text').value = ''; });
  });
  $('note-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = $('note-text').value.trim();
    if (body) act(null, '/notes', { body }, () => { $('note-text').value = ''; });
  });
  $('tags-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    clearError();
    const tags = $('tags-text').value.split(',').map((s) => s.trim()).filter(Boolean);
    try {
      await api('PUT', '/staff/v1/feedback/' + encodeURIComponent(state.selected) + '/tags', { tags });
      $('tags-text').blur();
      await showTicket(state.selected, false);
    } catch (err) {
      showError(err);
    }
  });
}

onEnded(showSignIn);
wire();
resume().then((ok) => {
  if (ok) enterConsole();
  else if ($('sign-in-view').hidden) showSignIn(); // unless the session already ended with a message
}, () => showSignIn());
