// The seedforge portal: the browser side of `seedforge serve` (docs/portal.md).
// A handful of views drawn into <main> from the REST API (docs/api.md) and
// routed on location.pathname with history.pushState, so that every page has
// a URL the server answers with index.html. Plain DOM, no framework, no build
// step: the binary embeds this file, and its CSP (default-src 'self') allows
// no inline script or style, so every handler is attached here.
'use strict';

const state = {
  user: null,     // {name, role} once logged in
  csrf: null,     // sent as X-CSRF-Token on every request that changes state
  notice: null,   // shown on the login page (session expired, logged out)
  seq: 0,         // bumped on each navigation: late answers of a left page are dropped
  timer: null,    // the job page's poll
};
const STALE = Symbol('stale');
const FORMATS = [
  ['csv', 'CSV (a file per entity)'], ['xlsx', 'Excel workbook (xlsx)'], ['docx', 'Word document (docx)'],
  ['jsonl', 'JSON Lines'], ['json', 'JSON (with a manifest)'], ['sql', 'SQL script (DDL and INSERTs)'],
  ['copy', 'PostgreSQL COPY script'], ['ddl', 'DDL only (schema)'],
];
const ROLES = ['admin', 'requester', 'viewer'];
const $ = (selector) => document.querySelector(selector);
const main = $('#main');

// h('a', {href: '/x', class: 'c', onclick: f}, 'text', child, [children]) -> element.
// Attributes that are null, undefined or false are left out; true sets an empty one.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  el.append(...present(children));
  return el;
}

// Nodes and strings to insert, without the null/false placeholders of optional parts
// (replaceChildren would write them as text).
const present = (...items) => items.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false);
const shortId = (id) => String(id).slice(0, 8);
const number = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : '–');
// A server time (ISO-8601 UTC) as the browser's local "YYYY-MM-DD HH:MM:SS".
function when(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  if (isNaN(date)) return iso;
  const two = (n) => String(n).padStart(2, '0');
  const local = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
                `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
  return h('time', {datetime: iso, title: iso}, local);
}
function bytes(n) {
  if (typeof n !== 'number') return '–';
  const units = ['bytes', 'kB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return (i ? n.toFixed(1) : n) + ' ' + units[i];
}
function table(headers, rows, caption) {
  return h('div', {class: 'scroll'}, h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((name) => h('th', {scope: 'col'}, name)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: headers.length, class: 'muted'}, 'None yet.')))));
}
function field(label, input, hint) {
  return h('div', {class: 'field'}, h('label', {for: input.id}, label), input, hint ? h('small', {}, hint) : null);
}

// ---- The API ---------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    this.retryAfter = retryAfter;
  }
}

// One request. JSON bodies unless a content type is given (domain uploads);
// answers are parsed JSON (null when empty). A 401 anywhere but at login means
// the session ended: back to the login page, and the caller gets the error too.
async function api(method, path, body, contentType) {
  const init = {method, headers: {}, credentials: 'same-origin'};
  if (body !== undefined) {
    init.headers['Content-Type'] = contentType || 'application/json';
    init.body = contentType ? body : JSON.stringify(body);
  }
  if (method !== 'GET' && state.csrf) init.headers['X-CSRF-Token'] = state.csrf;
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, {error: `The server cannot be reached (${err.message}).`});
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = {error: text.slice(0, 200)}; }
  }
  if (response.ok) return data;
  const err = new ApiError(response.status, data, response.headers.get('Retry-After'));
  if (response.status === 401 && path !== '/api/login' && state.user) {
    state.user = null;
    state.csrf = null;
    state.notice = 'Your session has expired. Please log in again.';
    route();
  }
  throw err;
}

// A GET for the current page: throws STALE if the user has moved on meanwhile.
async function get(path) {
  const seq = state.seq;
  const data = await api('GET', path);
  if (seq !== state.seq) throw STALE;
  return data;
}

// What an error means to the user, in the server's own words (capitalised).
function describe(err) {
  const body = err.body || {};
  const text = String(body.error || err.message);
  const message = text.charAt(0).toUpperCase() + text.slice(1);
  switch (err.status) {
    case 403:
      if (body.limit !== undefined) {
        return `Refused: ${number(body.planned)} rows planned, over your role's limit of ${number(body.limit)} rows. ` +
               'Lower the counts or the scale.';
      }
      return `Not allowed: ${text}.`;
    case 413: return `Too large: ${text}.`;
    case 429:
    case 503: {
      const wait = Number(err.retryAfter);
      if (!wait) return `${message}.`;
      return `${message} (retry in ${wait >= 90 ? `${Math.ceil(wait / 60)} min` : `${wait} s`}).`;
    }
    default: return message;
  }
}
function errorBox(err) {
  const details = (err.body && err.body.errors) || [];
  // With a list of line:column errors (a domain upload) the list says it all.
  const headline = details.length ? `The file has ${details.length} error${details.length > 1 ? 's' : ''}:` : describe(err);
  return h('div', {class: 'error', role: 'alert'}, h('p', {}, headline),
    details.length ? h('ul', {}, details.map((e) => h('li', {}, `line ${e.line}, column ${e.column}: ${e.message}`))) : null);
}

// ---- Navigation ------------------------------------------------------------

const routes = [
  [/^\/(?:domains\/?)?$/, viewDomains],
  [/^\/domains\/([^/]+)$/, viewDomain],
  [/^\/jobs\/?$/, viewJobs],
  [/^\/jobs\/([^/]+)$/, viewJob],
  [/^\/users\/?$/, viewUsers, 'admin'],
  [/^\/audit\/?$/, viewAudit, 'admin'],
];

function go(path) {
  history.pushState(null, '', path);
  route();
}

function route() {
  state.seq++;
  clearTimeout(state.timer);
  updateHeader();
  if (!state.user) return viewLogin();
  const path = location.pathname;
  for (const [pattern, view, role] of routes) {
    const match = path.match(pattern);
    if (!match) continue;
    if (role && state.user.role !== role) {
      return page('Not allowed', h('p', {class: 'error', role: 'alert'}, 'This page is for admins.'));
    }
    main.replaceChildren(h('p', {class: 'muted'}, 'Loading…'));
    // An async view's failures (a bad %-escape in the path too) end on an error page.
    return Promise.resolve().then(() => view(...match.slice(1).map(decodeURIComponent))).catch((err) => {
      if (err === STALE || err.status === 401) return;
      page('Something went wrong', errorBox(err instanceof ApiError ? err : new ApiError(0, {error: err.message})));
    });
  }
  page('Not found', h('p', {}, `There is no page at ${path}. `, h('a', {href: '/domains'}, 'See the domains.')));
}

function page(title, ...content) {
  document.title = `${title} · seedforge`;
  main.replaceChildren(h('h1', {}, title), ...present(content));
  main.focus({preventScroll: true});  // screen readers start at the new page
}

function updateHeader() {
  const user = state.user;
  $('#nav').hidden = !user;
  $('#logout').hidden = !user;
  $('#who').textContent = user ? `${user.name} · ${user.role}` : '';
  for (const link of document.querySelectorAll('[data-admin]')) link.hidden = !user || user.role !== 'admin';
  $('#nav a[href="/jobs"]').textContent = jobsTitle();
  const path = location.pathname === '/' ? '/domains' : location.pathname;
  for (const link of document.querySelectorAll('#nav a')) {
    if (path.startsWith(link.pathname)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

// Same-origin links move within the page; downloads and the API load for real.
document.addEventListener('click', (event) => {
  const link = event.target.closest('a');
  if (!link || link.hasAttribute('download') || link.origin !== location.origin) return;
  if (link.pathname.startsWith('/api/') || link.pathname.startsWith('/static/')) return;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  go(link.pathname + link.search);
});
window.addEventListener('popstate', route);

$('#logout').addEventListener('click', async () => {
  try {
    await api('POST', '/api/logout');
  } catch (err) {
    if (err.status !== 401) return main.prepend(errorBox(err));
  }
  state.user = null;
  state.csrf = null;
  state.notice = 'You are logged out.';
  go('/');
});

// ---- Views -----------------------------------------------------------------

function viewLogin() {
  const username = h('input', {id: 'username', name: 'username', autocomplete: 'username', required: true});
  const password = h('input', {id: 'password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true});
  const message = h('div', {id: 'login-message'},
    state.notice ? h('p', {class: 'notice', role: 'status'}, state.notice) : null);
  const submit = h('button', {type: 'submit'}, 'Log in');
  const form = h('form', {class: 'card narrow', id: 'login-form'}, message,
    field('User name', username), field('Password', password), submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const answer = await api('POST', '/api/login', {username: username.value, password: password.value});
      state.user = answer.user;
      state.csrf = answer.csrf_token;
      state.notice = null;
      if (location.pathname === '/') history.replaceState(null, '', '/domains');
      route();
    } catch (err) {
      password.value = '';
      message.replaceChildren(errorBox(err));
      submit.disabled = false;
      password.focus();
    }
  });
  page('Log in', form);
  username.focus();
}

async function viewDomains() {
  const {domains} = await get('/api/domains');
  const rows = domains.map((d) => h('tr', {},
    h('td', {}, h('a', {href: `/domains/${encodeURIComponent(d.name)}`}, d.name)),
    h('td', {}, d.description || ''),
    h('td', {class: 'num'}, number(d.entities)),
    h('td', {}, h('span', {class: 'tag'}, d.source))));
  page('Domains', h('p', {class: 'muted'}, 'Pick a domain to see its entities and generate data from it.'),
    table(['Domain', 'Description', 'Entities', 'Source'], rows),
    state.user.role === 'admin' ? uploadForm() : null);
}

// Admins add a domain file; the server validates it and names each error's line and column.
function uploadForm() {
  const file = h('input', {id: 'domain-file', type: 'file', accept: '.yaml,.yml,text/yaml', required: true});
  const message = h('div', {});
  const form = h('form', {class: 'card', id: 'upload-form'}, h('h2', {}, 'Upload a domain'), message,
    field('Domain file (YAML)', file, 'Its name comes from its domain: line. A model path resolves inside the upload only.'),
    h('button', {type: 'submit'}, 'Upload'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const answer = await api('POST', '/api/domains', await file.files[0].text(), 'application/yaml');
      go(`/domains/${encodeURIComponent(answer.name)}`);
    } catch (err) {
      message.replaceChildren(errorBox(err));
    }
  });
  return form;
}

async function viewDomain(name) {
  const domain = await get(`/api/domains/${encodeURIComponent(name)}`);
  const canGenerate = state.user.role !== 'viewer';
  const counts = [];
  const entities = domain.entities.map((entity) => {
    let input = null;
    if (canGenerate) {
      input = h('input', {id: `rows-${entity.name}`, type: 'number', min: '0', step: '1', inputmode: 'numeric',
        placeholder: String(entity.planned_rows), 'data-entity': entity.name});
      counts.push(input);
    }
    const columns = entity.columns.map((c) => h('tr', {},
      h('td', {}, c.name), h('td', {}, h('code', {}, c.type)), h('td', {}, c.nullable ? 'yes' : 'no')));
    return h('section', {class: 'card entity', 'aria-labelledby': `entity-${entity.name}`},
      h('h2', {id: `entity-${entity.name}`}, entity.name),
      entity.description ? h('p', {}, entity.description) : null,
      h('p', {class: 'muted'}, `${number(entity.planned_rows)} rows planned`,
        entity.per_parent ? `, linked per ${entity.per_parent}` : ''),
      input ? field('Rows to generate', input, 'Empty: as planned (times the scale).') : null,
      table(['Column', 'Type', 'Nullable'], columns));
  });
  const intro = h('p', {class: 'muted'}, domain.description || '', ' ', h('span', {class: 'tag'}, domain.source));
  // The role's row limit, so that a refusal is no surprise (the server checks it anyway).
  const limits = canGenerate ? await get('/api/limits').catch((err) => (err === STALE ? Promise.reject(err) : null)) : null;
  const limit = limits && limits.max_rows ? limits.max_rows[state.user.role] : undefined;
  if (!canGenerate) {
    return page(domain.name, intro, h('p', {class: 'notice'}, 'Viewers download the jobs shared with them; ' +
      'ask a requester or an admin to generate data.'), h('div', {class: 'entities'}, entities));
  }
  const scale = h('input', {id: 'scale', type: 'number', min: '0', step: 'any', value: '1'});
  const seed = h('input', {id: 'seed', type: 'number', min: '0', step: '1', value: '1'});
  const format = h('select', {id: 'format'}, FORMATS.map(([value, label]) => h('option', {value}, label)));
  const message = h('div', {});
  const submit = h('button', {type: 'submit', id: 'generate'}, 'Generate');
  const form = h('form', {id: 'generate-form'}, h('div', {class: 'entities'}, entities),
    h('fieldset', {class: 'card settings'}, h('legend', {}, 'Output'),
      field('Scale', scale, 'Multiplies the planned counts.'),
      field('Seed', seed, 'The same seed gives the same rows.'),
      field('Format', format), message, submit,
      limit !== undefined ? h('small', {id: 'row-limit'}, `Your role may generate up to ${number(limit)} rows a job.`) : null));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const request = {domain: domain.name, format: format.value, scale: Number(scale.value || 1),
      seed: Number(seed.value || 1)};
    const rows = {};
    for (const input of counts) if (input.value !== '') rows[input.dataset.entity] = Number(input.value);
    if (Object.keys(rows).length) request.rows = rows;
    submit.disabled = true;
    try {
      const {id} = await api('POST', '/api/jobs', request);
      go(`/jobs/${encodeURIComponent(id)}`);
    } catch (err) {
      message.replaceChildren(errorBox(err));
      submit.disabled = false;
    }
  });
  page(domain.name, intro, form);
}

const RUNNING = ['queued', 'running'];

// One job: built once, then its status part refilled on each poll (every
// 500 ms while queued or running) so that focus and the page stay put.
async function viewJob(id) {
  let job = await get(`/api/jobs/${encodeURIComponent(id)}`);
  const status = h('div', {id: 'job-status'});
  const actions = h('div', {class: 'actions', id: 'job-actions'});
  const message = h('div', {id: 'job-message'});
  let shownState = null;

  function fill() {
    const percent = Math.round((job.progress || 0) * 100);
    const entityRows = Object.entries(job.rows || {}).map(([name, n]) => h('li', {}, `${name}: ${number(n)}`));
    status.replaceChildren(h('dl', {class: 'facts'},
      h('dt', {}, 'State'), h('dd', {}, h('span', {id: 'job-state', class: `state state-${job.state}`,
        'aria-live': 'polite'}, job.state)),
      h('dt', {}, 'Progress'), h('dd', {class: 'progress'},
        h('progress', {id: 'job-progress', max: '100', value: String(percent), 'aria-labelledby': 'job-percent'}),
        h('span', {id: 'job-percent'}, `${percent} %`)),
      h('dt', {}, 'Rows'), h('dd', {}, h('span', {id: 'job-rows'}, number(job.total_rows)),
        ` of ${number(job.planned_rows)}`, entityRows.length ? h('ul', {class: 'plain'}, entityRows) : null),
      h('dt', {}, 'Domain'), h('dd', {}, h('a', {href: `/domains/${encodeURIComponent(job.domain)}`}, job.domain)),
      h('dt', {}, 'Job id'), h('dd', {}, h('code', {}, job.id)),
      h('dt', {}, 'Format'), h('dd', {}, job.format),
      h('dt', {}, 'Seed'), h('dd', {}, String(job.seed ?? '–')),
      h('dt', {}, 'Owner'), h('dd', {}, job.owner),
      h('dt', {}, 'Created'), h('dd', {}, when(job.created_at)),
      h('dt', {}, 'Finished'), h('dd', {}, when(job.finished_at)),
      job.expires_at ? [h('dt', {}, 'Kept until'), h('dd', {}, when(job.expires_at))] : null,
      job.size_bytes ? [h('dt', {}, 'Size'), h('dd', {}, bytes(job.size_bytes))] : null),
    ...present(job.error ? h('p', {class: 'error', role: 'alert', id: 'job-error'}, job.error) : null));
    if (shownState !== job.state) {
      shownState = job.state;
      actions.replaceChildren(...jobActions(job, message));
    }
  }

  async function poll() {
    try {
      job = await get(`/api/jobs/${encodeURIComponent(id)}`);
      fill();
      message.replaceChildren();
    } catch (err) {
      if (err === STALE || err.status === 401) return;
      message.replaceChildren(errorBox(err));
    }
    if (RUNNING.includes(job.state)) state.timer = setTimeout(poll, 500);
  }

  fill();
  page(`Job ${shortId(job.id)}`, status, actions, message);
  if (RUNNING.includes(job.state)) state.timer = setTimeout(poll, 500);
}

function jobActions(job, message) {
  const mine = job.owner === state.user.name || state.user.role === 'admin';
  const out = [];
  if (job.download) {
    out.push(h('a', {class: 'button', id: 'download', href: job.download, download: ''}, 'Download'));
  }
  if (mine && RUNNING.includes(job.state)) {
    out.push(h('button', {type: 'button', class: 'secondary', onclick: async () => {
      try { await api('DELETE', `/api/jobs/${encodeURIComponent(job.id)}`); } catch (err) {
        message.replaceChildren(errorBox(err));
      }
    }}, 'Cancel'));
  }
  if (mine && job.state === 'done') {
    const users = h('input', {id: 'share-users', placeholder: 'alice, bob', value: (job.shared_with || []).join(', ')});
    const form = h('form', {class: 'inline', id: 'share-form'}, field('Share with (user names)', users),
      h('button', {type: 'submit', class: 'secondary'}, 'Share'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const names = users.value.split(',').map((s) => s.trim()).filter(Boolean);
      try {
        await api('POST', `/api/jobs/${encodeURIComponent(job.id)}/share`, {users: names});
        message.replaceChildren(h('p', {class: 'notice', role: 'status'},
          names.length ? `Shared with ${names.join(', ')}.` : 'Shared with nobody.'));
      } catch (err) {
        message.replaceChildren(errorBox(err));
      }
    });
    out.push(form);
  }
  return out;
}

// Admins see every job, viewers those shared with them, requesters their own.
function jobsTitle() {
  const role = state.user && state.user.role;
  return role === 'admin' ? 'Jobs' : role === 'viewer' ? 'Shared with me' : 'My jobs';
}

async function viewJobs() {
  const {jobs} = await get('/api/jobs');
  const showOwner = state.user.role !== 'requester';  // admins and viewers see others' jobs: name the owner
  const rows = jobs.map((job) => h('tr', {},
    h('td', {}, h('a', {href: `/jobs/${encodeURIComponent(job.id)}`}, h('code', {}, shortId(job.id)))),
    showOwner ? h('td', {}, job.owner) : null,
    h('td', {}, job.domain),
    h('td', {}, job.format),
    h('td', {}, h('span', {class: `state state-${job.state}`}, job.state)),
    h('td', {class: 'num'}, number(job.total_rows)),
    h('td', {}, when(job.created_at)),
    h('td', {}, job.download ? h('a', {href: job.download, download: ''}, 'Download') : '')));
  const headers = ['Job', showOwner ? 'Owner' : null, 'Domain', 'Format', 'State', 'Rows', 'Created', 'File'];
  page(jobsTitle(), table(headers.filter(Boolean), rows),
    h('p', {}, h('button', {type: 'button', class: 'secondary', onclick: route}, 'Refresh')));
}

async function viewUsers() {
  const {users} = await get('/api/users');
  const {max_rows: limits} = await get('/api/limits');
  const message = h('div', {id: 'users-message'});
  const done = (text) => { state.notice = text; route(); };
  async function change(name, patch, text) {
    try {
      await api('PATCH', `/api/users/${encodeURIComponent(name)}`, patch);
      done(text);
    } catch (err) {
      message.replaceChildren(errorBox(err));
    }
  }
  const rows = users.map((u) => {
    const role = h('select', {'aria-label': `Role of ${u.name}`, 'data-user': u.name},
      ROLES.map((r) => h('option', {value: r, selected: r === u.role}, r)));
    role.addEventListener('change', () => change(u.name, {role: role.value}, `${u.name} is now ${role.value}.`));
    return h('tr', {'data-user': u.name, class: u.disabled ? 'disabled' : null},
      h('td', {}, u.name), h('td', {}, role), h('td', {}, when(u.created_at)),
      h('td', {}, u.disabled ? 'disabled' : 'active'),
      // No button on one's own row: an admin cannot lock themselves out here.
      h('td', {}, u.name === state.user.name ? null : h('button', {type: 'button', class: 'secondary',
        onclick: () => change(u.name, {disabled: !u.disabled}, `${u.name} is ${u.disabled ? 'enabled' : 'disabled'}.`)},
      u.disabled ? 'Enable' : 'Disable')));
  });
  const name = h('input', {id: 'new-name', required: true, autocomplete: 'off'});
  const password = h('input', {id: 'new-password', type: 'password', required: true, autocomplete: 'new-password'});
  const newRole = h('select', {id: 'new-role'}, ROLES.map((r) => h('option', {value: r, selected: r === 'requester'}, r)));
  const form = h('form', {class: 'card', id: 'add-user'}, h('h2', {}, 'Add a user'),
    h('div', {class: 'row'}, field('Name', name), field('Role', newRole), field('Password', password)),
    h('button', {type: 'submit'}, 'Add user'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('POST', '/api/users', {name: name.value, role: newRole.value, password: password.value});
      done(`${name.value} added as ${newRole.value}.`);
    } catch (err) {
      message.replaceChildren(errorBox(err));
    }
  });
  // The row limit of each role: the most rows one job of theirs may plan.
  const limitInputs = ROLES.map((r) => h('input', {id: `limit-${r}`, type: 'number', min: '0', step: '1',
    required: true, value: String(limits[r] ?? 0), 'data-role': r}));
  const limitForm = h('form', {class: 'card', id: 'limits-form'}, h('h2', {}, 'Row limits per job'),
    h('div', {class: 'row'}, ROLES.map((r, i) => field(r, limitInputs[i]))),
    h('button', {type: 'submit'}, 'Save limits'));
  limitForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const max_rows = Object.fromEntries(limitInputs.map((input) => [input.dataset.role, Number(input.value)]));
    try {
      await api('PUT', '/api/limits', {max_rows});
      done('Row limits saved.');
    } catch (err) {
      message.replaceChildren(errorBox(err));
    }
  });
  if (state.notice) message.append(h('p', {class: 'notice', role: 'status'}, state.notice));
  state.notice = null;
  page('Users', message, table(['Name', 'Role', 'Created', 'Status', ''], rows), form, limitForm);
}

async function viewAudit() {
  const entries = [];
  const body = h('tbody', {});
  const more = h('button', {type: 'button', class: 'secondary', id: 'audit-more'}, 'Older entries');
  async function load() {
    const before = entries.length ? `&before=${encodeURIComponent(entries[entries.length - 1].id)}` : '';
    const batch = (await get(`/api/audit?limit=100${before}`)).entries;
    entries.push(...batch);
    body.append(...batch.map((e) => h('tr', {},
      h('td', {}, when(e.at)), h('td', {}, e.user || '–'), h('td', {}, e.address || ''),
      h('td', {}, h('span', {class: 'tag'}, e.action)),
      h('td', {}, e.action.startsWith('job.') && e.target
        ? h('a', {href: `/jobs/${encodeURIComponent(e.target)}`, title: e.target}, h('code', {}, shortId(e.target)))
        : e.target || ''),
      h('td', {}, e.detail || ''))));
    more.hidden = batch.length < 100;
  }
  more.addEventListener('click', () => load().catch((err) => err === STALE || main.append(errorBox(err))));
  await load();
  page('Audit log', h('div', {class: 'scroll'}, h('table', {id: 'audit'},
    h('thead', {}, h('tr', {}, ['When', 'User', 'Address', 'Action', 'Target', 'Detail'].map((t) =>
      h('th', {scope: 'col'}, t)))), body)), more);
}

// ---- Start: who is logged in? ----------------------------------------------

(async function start() {
  try {
    const session = await api('GET', '/api/session');
    state.user = session.user;
    state.csrf = session.csrf_token;
  } catch (err) {
    if (err.status !== 401) state.notice = describe(err);
  }
  route();
})();
