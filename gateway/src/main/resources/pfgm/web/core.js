'use strict';
// The pfgm dashboard: plain JavaScript, no libraries, talking to the same /v1 API as scripts do.
// core.js: DOM and API helpers shared by the pages (loaded first; the files share the global scope).

const $ = (sel, root = document) => root.querySelector(sel);
const main = $('#main');
const KEY = 'pfgm.apiKey';
let pollTimer = null;
const etags = new Map(); // url -> [etag, body]: conditional polling (If-None-Match -> 304)

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** replaceChildren that skips null parts (the DOM method would print them as "null"). */
function put(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
}

const svgNS = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children.flat(Infinity)) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function toast(msg) {
  const t = $('#toast');
  t.textContent = msg;
  t.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('show'), 2500);
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : 'HTTP ' + status);
    this.status = status;
    this.problem = problem || {};
  }
}

async function api(path, opts = {}) {
  const headers = Object.assign({ Authorization: 'Bearer ' + localStorage.getItem(KEY) }, opts.headers || {});
  const conditional = opts.poll && etags.has(path);
  if (conditional) headers['If-None-Match'] = etags.get(path)[0];
  const res = await fetch(path, Object.assign({}, opts, { headers }));
  if (res.status === 304 && conditional) return etags.get(path)[1];
  const text = await res.text();
  const body = text && (res.headers.get('Content-Type') || '').includes('json') ? JSON.parse(text) : text;
  if (res.status === 401) {
    localStorage.removeItem(KEY);
    signIn('That API key was not accepted (unknown or revoked). Sign in again.');
    throw new ApiError(401, body);
  }
  if (!res.ok) throw new ApiError(res.status, body);
  const etag = res.headers.get('ETag');
  if (opts.poll && etag) etags.set(path, [etag, body]);
  return body;
}

function fmtTime(iso) { return iso ? new Date(iso).toLocaleString() : ''; }
function fmtDuration(sec) {
  if (sec === null || sec === undefined || !isFinite(sec)) return '';
  sec = Math.max(0, Math.round(sec));
  if (sec < 60) return sec + ' s';
  if (sec < 3600) return Math.floor(sec / 60) + ' min ' + (sec % 60) + ' s';
  return Math.floor(sec / 3600) + ' h ' + Math.floor((sec % 3600) / 60) + ' min';
}
function age(iso) { return iso ? fmtDuration((Date.now() - new Date(iso)) / 1000) + ' ago' : ''; }
function duration(job) {
  if (!job.started_at) return '';
  const end = job.finished_at ? new Date(job.finished_at) : new Date();
  return fmtDuration((end - new Date(job.started_at)) / 1000);
}
const active = (j) => ['queued', 'running', 'cancelling'].includes(j.status);
function badge(status) { return h('span', { class: 'badge ' + status, text: status }); }
function bar(job) {
  const pct = Math.round(100 * (job.status === 'succeeded' ? 1 : job.progress.fraction || 0));
  return h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': String(pct), 'aria-label': 'progress ' + pct + '%' }, h('span', { style: 'width:' + pct + '%' }));
}

// ---- polling: every 1.5 s while something is active, 10 s when idle, paused while the tab is hidden

function schedule(fn, busy) {
  clearTimeout(pollTimer);
  if (document.hidden) { pollTimer = null; schedule.pending = fn; return; }
  pollTimer = setTimeout(fn, busy ? 1500 : 10000);
}
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && schedule.pending) { const fn = schedule.pending; schedule.pending = null; fn(); }
});


// ---- names: people see datasets and models by name; the id is on hover and one click from the clipboard

function copyButton(value, what) {
  return h('button', { type: 'button', class: 'copy secondary', title: 'copy the ' + what + ' id ' + value,
    'aria-label': 'copy id of the ' + what, onclick: async () => {
      try { await navigator.clipboard.writeText(value); toast('Copied ' + value); } catch (e) { toast(value); }
    } }, 'copy id');
}

/** A name for a thing with an id: linked when {@code href}, the id on hover and behind a copy button. */
function named(label, id, what, href) {
  return h('span', { class: 'ref' }, href ? h('a', { href, title: id, text: label }) : h('span', { title: id, text: label }),
    ' ', copyButton(id, what));
}

const known = { datasets: new Map(), models: new Map() };

/** Every dataset and model of the tenant (one page of 1,000 each), remembered for naming them. */
async function loadNames() {
  const [d, m] = await Promise.all([api('/v1/datasets?limit=1000'), api('/v1/models?limit=1000')]);
  d.data.forEach((x) => known.datasets.set(x.id, x));
  m.data.forEach((x) => known.models.set(x.id, x));
  return { datasets: d.data, models: m.data };
}

/** A dataset reference as people know it: its name (a builtin set is its own name). */
async function datasetOf(ref) {
  if (!ref || ref.startsWith('builtin:')) return null;
  if (!known.datasets.has(ref)) {
    try { known.datasets.set(ref, await api('/v1/datasets/' + ref)); } catch (e) { return null; }
  }
  return known.datasets.get(ref);
}

async function modelOf(id) {
  if (!id) return null;
  if (!known.models.has(id)) {
    try { known.models.set(id, await api('/v1/models/' + id)); } catch (e) { return null; }
  }
  return known.models.get(id);
}

function modelLabel(m) {
  return (m.name || 'model ' + m.id.slice(0, 8)) + ' · ' + (m.dataset_name || m.dataset) + ' (d=' + m.dim
    + (m.metrics && m.metrics.shape ? ', ' + m.metrics.shape : '') + ')';
}

function datasetLabel(d) {
  return d.name + ' (' + d.count + ' x ' + (d.image ? d.image.channels + 'x' + d.image.height + 'x' + d.image.width : d.dim)
    + (d.labels ? ', ' + d.labels.classes + ' classes' : '') + ')';
}

/** Asks before an irreversible action: the button becomes "Yes, ..." and "Keep" until one is chosen. */
function confirmButton(id, label, question, action) {
  const box = h('span', { class: 'confirm-wrap' });
  const ask = () => put(box, h('span', { class: 'confirm', role: 'group', 'aria-label': question },
    h('span', { text: question }),
    h('button', { type: 'button', class: 'danger', id: id + '-confirm', onclick: action, text: 'Yes, ' + label.toLowerCase() }),
    h('button', { type: 'button', class: 'secondary', id: id + '-keep', onclick: () => { idle(); $('#' + id, box).focus(); }, text: 'Keep' })));
  const idle = () => put(box, h('button', { type: 'button', class: 'danger', id, onclick: () => { ask(); $('#' + id + '-keep', box).focus(); }, text: label }));
  idle();
  return box;
}
