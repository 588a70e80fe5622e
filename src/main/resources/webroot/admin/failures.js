// The dead-letter review page (spec §7.2): figures, a filterable list, one failure and the admin's actions on it.
// Plain JavaScript, no libraries; every value from the API is put in the page as text, never as HTML.
'use strict';

const API = '/api/v1/integration-failures';
const TOKEN_KEY = 'mraos.integrationAdminToken';

const STATUS_LABELS = {
  pending_manual_review: 'Pending manual review',
  retrying: 'Retrying',
  resolved: 'Resolved',
  discarded: 'Discarded',
};
const ACTION_LABELS = {
  retry: 'Retry',
  edit_and_retry: 'Edit & Retry',
  resolve: 'Marked as resolved',
  discard: 'Discarded',
  retry_succeeded: 'Retry succeeded',
  retry_failed: 'Retry failed',
};

const state = {page: 1, pageSize: 25, filters: {}, failure: null, listRequest: 0, detailRequest: 0, busy: false};

const $ = (id) => document.getElementById(id);

// ---- talking to the API ------------------------------------------------------------------------------------------

class ApiFailure extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function api(method, path, body) {
  const headers = {Accept: 'application/json', Authorization: 'Bearer ' + token()};
  const init = {method, headers};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiFailure('MRAOS could not be reached (' + e.message + ')', 0, null);
  }
  let json = null;
  try {
    json = await response.json();
  } catch (e) {
    // not JSON: described by the HTTP status below
  }
  if (!response.ok) {
    throw new ApiFailure(describeError(response.status, json), response.status, json);
  }
  return json;
}

/** The API's error body ({status, error_code, message, details}) as one sentence for people. */
function describeError(status, json) {
  let text = json && json.message ? json.message : 'HTTP ' + status;
  if (json && json.error_code) {
    text = json.error_code + ': ' + text;
  }
  const details = json && Array.isArray(json.details)
    ? json.details.map((d) => (d && d.message ? (d.field ? d.field + ': ' : '') + d.message : JSON.stringify(d)))
    : [];
  if (details.length) {
    text += ' (' + details.join('; ') + ')';
  }
  if (status === 401) {
    text += ' — the token is missing, expired or not valid: get a new one.';
  } else if (status === 403) {
    text += ' — this token is not an integration admin\'s.';
  }
  return text;
}

// ---- small helpers -----------------------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([name, value]) => {
    if (value === null || value === undefined) {
      return;
    }
    if (name === 'className') {
      node.className = value;
    } else if (name.startsWith('data-') || name.startsWith('aria-') || name === 'datetime' || name === 'title'
      || name === 'type' || name === 'scope') {
      node.setAttribute(name, value);
    } else {
      node[name] = value;
    }
  });
  children.forEach((child) => {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  });
  return node;
}

function timeEl(iso) {
  if (!iso) {
    return '–';
  }
  const at = new Date(iso);
  const text = isNaN(at) ? iso : at.toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'medium'});
  return el('time', {datetime: iso, title: iso + ' (UTC)'}, text);
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) {
    return '–';
  }
  const s = Math.round(seconds);
  if (s < 60) {
    return s + ' s';
  }
  if (s < 3600) {
    return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  }
  if (s < 86400) {
    return Math.floor(s / 3600) + ' h ' + Math.round((s % 3600) / 60) + ' min';
  }
  return Math.floor(s / 86400) + ' d ' + Math.round((s % 86400) / 3600) + ' h';
}

function statusEl(status) {
  return el('span', {className: 'status', 'data-status': status}, STATUS_LABELS[status] || status);
}

function pretty(value) {
  return JSON.stringify(value, null, 2);
}

function show(node, visible) {
  node.hidden = !visible;
}

function notice(text) {
  $('notice').textContent = text || '';
  show($('notice'), Boolean(text));
}

/** A datetime-local value (local time) as the API's date-time with offset, or null. */
function isoFromLocal(value) {
  if (!value) {
    return null;
  }
  const at = new Date(value);
  return isNaN(at) ? null : at.toISOString();
}

// ---- figures -----------------------------------------------------------------------------------------------------

async function loadStats() {
  const stats = await api('GET', API + '/stats');
  $('queue-depth').textContent = stats.queue_depth;
  const body = $('stats-body');
  body.replaceChildren();
  const types = Object.keys(stats.by_type || {}).sort();
  types.forEach((type) => {
    const t = stats.by_type[type];
    body.append(el('tr', {'data-type': type},
      el('th', {scope: 'row'}, type),
      el('td', {className: 'num', 'data-field': 'open'}, t.open),
      el('td', {className: 'num', 'data-field': 'failed_last_hour'}, t.failed_last_hour),
      el('td', {className: 'num', 'data-field': 'failed_last_day'}, t.failed_last_day),
      el('td', {className: 'num', 'data-field': 'avg_resolution'}, duration(t.avg_resolution_seconds))));
  });
  if (!types.length) {
    body.append(el('tr', {}, el('td', {colSpan: 5}, 'No integration failures recorded.')));
  }
  // the type filter offers the types that have failures (and keeps the one chosen)
  const select = $('filter-type');
  const chosen = select.value;
  const offered = new Set(types);
  if (chosen) {
    offered.add(chosen);
  }
  const wanted = [''].concat([...offered].sort());
  const current = [...select.options].map((o) => o.value);
  if (wanted.join('\n') !== current.join('\n')) { // not rebuilt needlessly: it may be open in the admin's hands
    select.replaceChildren(...wanted.map((type) => el('option', {value: type}, type || 'All')));
    select.value = chosen;
  }
}

// ---- the list ----------------------------------------------------------------------------------------------------

function readFilters() {
  return {
    integration_type: $('filter-type').value || null,
    status: $('filter-status').value || null,
    from: isoFromLocal($('filter-from').value),
    to: isoFromLocal($('filter-to').value),
  };
}

async function loadList() {
  const request = ++state.listRequest;
  const query = new URLSearchParams();
  Object.entries(state.filters).forEach(([name, value]) => value && query.set(name, value));
  query.set('page', state.page);
  query.set('page_size', state.pageSize);
  $('list').dataset.state = 'loading';
  let result;
  try {
    result = await api('GET', API + '?' + query);
  } catch (e) {
    if (request === state.listRequest) {
      $('list').dataset.state = 'error';
    }
    throw e;
  }
  if (request !== state.listRequest) {
    return; // a newer request is under way
  }
  const body = $('failures-body');
  body.replaceChildren(...result.items.map(row));
  show($('empty-list'), result.items.length === 0);
  const pages = Math.max(1, Math.ceil(result.total / result.page_size));
  const info = $('page-info');
  info.textContent = 'Page ' + result.page + ' of ' + pages + ' · ' + result.total + ' failure' + (result.total === 1 ? '' : 's');
  info.dataset.page = result.page;
  info.dataset.pages = pages;
  info.dataset.total = result.total;
  $('prev-page').disabled = result.page <= 1;
  $('next-page').disabled = result.page >= pages;
  $('list').dataset.state = 'ready';
  $('list').dataset.query = query.toString();
}

function row(f) {
  const open = el('button', {type: 'button', className: 'link', 'data-open': f.failure_id,
    'aria-label': 'Open failure ' + f.failure_id}, f.failure_id);
  const tr = el('tr', {'data-failure-id': f.failure_id, 'data-type': f.integration_type, 'data-status': f.status},
    el('td', {}, open),
    el('td', {}, timeEl(f.timestamp)),
    el('td', {}, f.integration_type),
    el('td', {}, f.direction + ' · ' + f.external_system),
    el('td', {className: 'error-cell'}, f.error_details ? f.error_details.error_message : ''),
    el('td', {className: 'num'}, f.attempts),
    el('td', {}, statusEl(f.status)));
  if (state.failure && state.failure.failure_id === f.failure_id) {
    tr.setAttribute('aria-current', 'true');
  }
  tr.addEventListener('click', () => openFailure(f.failure_id, true));
  return tr;
}

// ---- one failure -------------------------------------------------------------------------------------------------

async function openFailure(id, focus) {
  const request = ++state.detailRequest;
  clearOutcome();
  let failure;
  try {
    failure = await api('GET', API + '/' + encodeURIComponent(id));
  } catch (e) {
    notice('Could not open ' + id + ': ' + e.message);
    return;
  }
  if (request !== state.detailRequest) {
    return;
  }
  $('action-note').value = '';
  closeEditor();
  renderFailure(failure);
  if (focus) {
    $('detail-title').focus();
  }
}

function renderFailure(f) {
  state.failure = f;
  const detail = $('detail');
  detail.dataset.failureId = f.failure_id;
  detail.dataset.status = f.status;
  $('detail-id').textContent = f.failure_id;
  $('detail-status').replaceWith(Object.assign(statusEl(f.status), {id: 'detail-status'}));
  $('detail-type').textContent = f.integration_type;
  $('detail-system').textContent = f.direction + ' · ' + f.external_system
    + (f.message_id ? ' (message ' + f.message_id + ')' : '');
  $('detail-time').replaceChildren(timeEl(f.timestamp));
  // attempts = the first try + retry_count retries (as the logs count them: "after N attempt(s)")
  $('detail-attempts').textContent = f.attempts + ' (' + (f.retry_count === 0 ? 'no retry'
    : f.retry_count === 1 ? '1 retry' : f.retry_count + ' retries') + ')';
  $('detail-last-retry').replaceChildren(timeEl(f.last_retry_at));
  $('detail-correlation').textContent = f.correlation_id || '–';
  $('detail-closed').replaceChildren(f.resolved_at
    ? el('span', {}, (STATUS_LABELS[f.status] || f.status) + ' by ' + (f.resolved_by || '?') + ', ', timeEl(f.resolved_at),
      f.resolution_note ? ' — ' + f.resolution_note : '')
    : '–');
  const error = f.error_details || {};
  $('detail-error-code').textContent = error.error_code || '';
  $('detail-error-message').textContent = error.error_message || '';
  $('detail-stack').textContent = error.stack_trace || '';
  show($('detail-stack-box'), Boolean(error.stack_trace));
  $('detail-original').textContent = pretty(f.original_message);

  const actions = f.actions || [];
  $('history-body').replaceChildren(...actions.map((a) => el('tr', {'data-action': a.action, 'data-actor': a.actor, 'data-at': a.at},
    el('td', {}, timeEl(a.at)),
    el('td', {}, ACTION_LABELS[a.action] || a.action),
    el('td', {}, a.actor),
    el('td', {}, a.note || '', a.payload ? el('details', {}, el('summary', {}, 'message sent'), el('pre', {}, pretty(a.payload))) : null))));
  show($('history-empty'), actions.length === 0);

  const open = f.status === 'pending_manual_review';
  show($('actions'), open);
  show($('closed-note'), !open);
  show(detail, true);
  document.querySelectorAll('#failures-body tr').forEach((tr) => {
    if (tr.dataset.failureId === f.failure_id) {
      tr.setAttribute('aria-current', 'true');
    } else {
      tr.removeAttribute('aria-current');
    }
  });
}

/** What Edit & Retry corrects: the whole inbound message, or for a call out the payload sent to the other system. */
function editableMessage(f) {
  const original = f.original_message || {};
  if (f.message_id && original.payload && typeof original.payload === 'object') {
    return {value: original.payload, label: 'Corrected payload to send to ' + f.external_system + ' (JSON)'};
  }
  return {value: original, label: 'Corrected message (JSON)'};
}

function openEditor() {
  const editable = editableMessage(state.failure);
  $('edit-label').textContent = editable.label;
  $('edit-payload').value = pretty(editable.value);
  show($('edit-error'), false);
  show($('editor'), true);
  $('action-edit').setAttribute('aria-expanded', 'true');
  $('edit-payload').focus();
}

function closeEditor() {
  show($('editor'), false);
  show($('edit-error'), false);
  $('action-edit').setAttribute('aria-expanded', 'false');
}

/** The editor's text as a JSON object, or null after saying what is wrong with it (nothing is sent then). */
function editedMessage() {
  let value;
  try {
    value = JSON.parse($('edit-payload').value);
  } catch (e) {
    editError('Not valid JSON, nothing was sent: ' + e.message);
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    editError('The corrected message must be a JSON object ({ ... }), nothing was sent.');
    return null;
  }
  show($('edit-error'), false);
  return value;
}

function editError(text) {
  $('edit-error').textContent = text;
  show($('edit-error'), true);
  $('edit-payload').setAttribute('aria-invalid', 'true');
  $('edit-payload').focus();
}

// ---- actions -----------------------------------------------------------------------------------------------------

function clearOutcome() {
  const outcome = $('outcome');
  outcome.textContent = '';
  delete outcome.dataset.result;
  delete outcome.dataset.status;
  show(outcome, false);
}

function outcome(result, text, status) {
  const node = $('outcome');
  node.textContent = text;
  node.dataset.result = result;
  if (status) {
    node.dataset.status = status;
  }
  show(node, true);
  node.scrollIntoView({block: 'nearest'});
}

function note() {
  const text = $('action-note').value.trim();
  return text ? text : undefined;
}

function setBusy(busy) {
  state.busy = busy;
  document.querySelectorAll('#actions button').forEach((b) => { b.disabled = busy; });
  $('detail').setAttribute('aria-busy', String(busy));
}

async function act(kind) {
  if (state.busy || !state.failure) {
    return;
  }
  const id = state.failure.failure_id;
  const body = {};
  if (note()) {
    body.note = note();
  }
  if (kind === 'edit') {
    const corrected = editedMessage();
    if (!corrected) {
      return;
    }
    body.payload = corrected;
  }
  if ((kind === 'resolve' || kind === 'discard') && !body.note) {
    outcome('refused', 'Write a note saying why before you ' + (kind === 'resolve' ? 'mark it as resolved.' : 'discard it.'));
    $('action-note').focus();
    return;
  }
  const path = API + '/' + encodeURIComponent(id) + '/' + (kind === 'edit' ? 'retry' : kind);
  clearOutcome();
  setBusy(true);
  try {
    const answer = await api('POST', path, body);
    $('action-note').value = '';
    if (kind === 'retry' || kind === 'edit') {
      renderFailure(answer.failure);
      outcome(answer.status === 'pending_manual_review' ? 'still-failing' : 'ok', retryText(answer), answer.status);
      if (kind === 'edit' && answer.status !== 'pending_manual_review') {
        closeEditor();
      }
    } else {
      renderFailure(answer);
      outcome('ok', kind === 'resolve' ? 'Marked as resolved.' : 'Discarded.', answer.status);
    }
  } catch (e) {
    outcome('error', 'Not done: ' + e.message);
    // show where it stands now (someone else may have acted on it meanwhile)
    api('GET', API + '/' + encodeURIComponent(id)).then((now) => {
      if (state.failure && state.failure.failure_id === id) {
        renderFailure(now);
      }
    }).catch(() => {});
  } finally {
    setBusy(false);
  }
  refreshQuietly();
}

function retryText(answer) {
  const result = answer.result || {};
  switch (answer.status) {
    case 'resolved':
      return 'Retried: it went through and the failure is resolved.'
        + (result.message ? ' ' + result.message + (result.mraos_work_order_id ? ' (' + result.mraos_work_order_id + ').' : '.') : '')
        + (result.summary ? ' ' + result.summary : '');
    case 'retrying':
      return 'Retrying: ' + (result.message || 'queued again.');
    case 'pending_manual_review':
      return 'Retried, but it failed again: ' + (result.error || 'see the error above') + '. It waits for review again.';
    default:
      return 'Retried; the failure is now ' + (STATUS_LABELS[answer.status] || answer.status) + '.';
  }
}

// ---- wiring ------------------------------------------------------------------------------------------------------

async function refresh() {
  if (!token()) {
    notice('Enter an integration admin\'s token to see the failures.');
    return;
  }
  try {
    await Promise.all([loadStats(), loadList()]);
    notice('');
  } catch (e) {
    notice(e.message);
  }
}

function refreshQuietly() {
  Promise.all([loadStats(), loadList()]).catch((e) => notice(e.message));
}

function showTokenState() {
  const has = Boolean(token());
  $('token-state').textContent = has ? 'Token set (kept in this tab)' : 'No token';
  $('token-state').dataset.state = has ? 'set' : 'none';
}

function start() {
  showTokenState();
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('token').value.trim().replace(/^Bearer\s+/i, '');
    if (!value) {
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    $('token').value = '';
    showTokenState();
    refresh();
  });
  $('forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
    notice('Token forgotten.');
  });
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    state.filters = readFilters();
    state.page = 1;
    refresh();
  });
  ['filter-type', 'filter-status'].forEach((id) => $(id).addEventListener('change', () => {
    state.filters = readFilters();
    state.page = 1;
    refresh();
  }));
  $('reset-filters').addEventListener('click', () => {
    $('filters').reset();
    state.filters = {};
    state.page = 1;
    refresh();
  });
  $('prev-page').addEventListener('click', () => {
    state.page = Math.max(1, state.page - 1);
    refresh();
  });
  $('next-page').addEventListener('click', () => {
    state.page += 1;
    refresh();
  });
  $('page-size').addEventListener('change', () => {
    state.pageSize = Number($('page-size').value);
    state.page = 1;
    refresh();
  });
  $('action-retry').addEventListener('click', () => act('retry'));
  $('action-edit').addEventListener('click', () => ($('editor').hidden ? openEditor() : closeEditor()));
  $('edit-send').addEventListener('click', () => act('edit'));
  $('edit-cancel').addEventListener('click', closeEditor);
  $('edit-payload').addEventListener('input', () => $('edit-payload').removeAttribute('aria-invalid'));
  $('action-resolve').addEventListener('click', () => act('resolve'));
  $('action-discard').addEventListener('click', () => act('discard'));
  $('close-detail').addEventListener('click', () => {
    show($('detail'), false);
    state.failure = null;
    document.querySelectorAll('#failures-body tr[aria-current]').forEach((tr) => tr.removeAttribute('aria-current'));
  });
  state.pageSize = Number($('page-size').value);
  refresh();
}

document.addEventListener('DOMContentLoaded', start);
