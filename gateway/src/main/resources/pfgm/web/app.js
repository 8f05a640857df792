'use strict';
// The pfgm dashboard: plain JavaScript, no libraries, talking to the same /v1 API as scripts do.

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

// ---- sign in

function signIn(message) {
  clearTimeout(pollTimer);
  $('#nav').hidden = true;
  const input = h('input', { id: 'key', type: 'password', autocomplete: 'off', placeholder: 'pfgm_...', required: true });
  const err = h('div', { class: 'error', id: 'key-error', text: message || '' });
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    localStorage.setItem(KEY, input.value.trim());
    try {
      await api('/v1/jobs?limit=1');
      $('#nav').hidden = false;
      location.hash = '#/jobs';
      route();
    } catch (ex) {
      if (ex.status !== 401) err.textContent = ex.message;
    }
  } },
  h('h1', { text: 'Sign in' }),
  h('p', { class: 'muted', text: 'The gateway prints the admin API key on its first start and writes it to the file'
    + ' PFGM_ADMIN_KEY_FILE names (with ./pfgm up: api-key in its --data-dir, .pfgm by default); an admin makes'
    + ' keys for others with POST /v1/admin/keys.' }),
  h('div', { class: 'field' + (message ? ' invalid' : '') }, h('label', { for: 'key', text: 'API key' }), input, err),
  h('button', { type: 'submit', text: 'Sign in' }));
  put(main, form);
  input.focus();
}

// ---- jobs list

const listState = { status: '', type: '' };

async function jobsView() {
  const status = h('select', { id: 'f-status', onchange: () => { listState.status = status.value; refresh(); } },
    ['', 'queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled'].map((v) =>
      h('option', { value: v, selected: v === listState.status, text: v || 'any status' })));
  const type = h('select', { id: 'f-type', onchange: () => { listState.type = type.value; refresh(); } },
    ['', 'train', 'generate', 'likelihood', 'synthesize'].map((v) =>
      h('option', { value: v, selected: v === listState.type, text: v || 'any type' })));
  const body = h('tbody');
  const note = h('p', { class: 'muted' });
  const usage = h('div', { id: 'usage', class: 'usage' });
  put(main, h('h1', { text: 'Jobs' }), usage,
    h('div', { class: 'filters' },
      h('div', {}, h('label', { for: 'f-status', text: 'Status' }), status),
      h('div', {}, h('label', { for: 'f-type', text: 'Type' }), type),
      h('a', { href: '#/new', text: 'New job' })),
    h('div', { class: 'table-wrap' }, h('table', { id: 'jobs' }, h('thead', {}, h('tr', {},
      ['Job', 'Type', 'Status', 'Progress', 'ETA', 'Attempt', 'Age', 'Duration'].map((t, i) =>
        h('th', { class: i >= 5 ? 'hide-sm' : null, text: t })))), body)), note);

  async function refresh() {
    if (!location.hash.startsWith('#/jobs') || location.hash.startsWith('#/jobs/')) return;
    const q = new URLSearchParams({ limit: '50' });
    if (listState.status) q.set('status', listState.status);
    if (listState.type) q.set('type', listState.type);
    let page;
    try { page = await api('/v1/jobs?' + q, { poll: true }); } catch (e) { note.textContent = e.message; return; }
    api('/v1/quotas', { poll: true }).then((qu) => drawUsage(usage, qu)).catch(() => {});
    put(body, ...page.data.map((j) => h('tr', { class: 'row', 'data-id': j.id, 'data-status': j.status },
      h('td', {}, h('a', { href: '#/jobs/' + j.id, title: j.id, text: j.name || j.id.slice(0, 8) })),
      h('td', { text: j.type }), h('td', {}, badge(j.status)),
      h('td', {}, bar(j), h('div', { class: 'muted', text: j.progress.message || '' })),
      h('td', { text: active(j) ? fmtDuration(j.progress.eta_seconds) : '' }),
      h('td', { class: 'hide-sm', text: j.attempt + '/' + j.max_attempts }),
      h('td', { class: 'hide-sm', text: age(j.created_at) }),
      h('td', { class: 'hide-sm', text: duration(j) }))));
    if (!page.data.length) put(body, h('tr', {}, h('td', { colspan: '8', class: 'muted', text: 'No jobs yet.' })));
    note.textContent = page.has_more ? 'Showing the newest 50.' : '';
    schedule(refresh, page.data.some(active));
  }
  await refresh();
}

// ---- quotas: what the tenant uses against what it may

function fmtBytes(b) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (b >= 1000 && i < units.length - 1) { b /= 1000; i++; }
  return (i ? b.toFixed(b < 10 ? 1 : 0) : b) + ' ' + units[i];
}

function drawUsage(el, q) {
  const meter = (name, used, quota, fmt = String) => h('div', { class: 'meter', 'data-quota': name },
    h('span', { class: 'muted', text: name + ': ' + fmt(used) + ' of ' + fmt(quota) }),
    h('div', { class: 'bar' + (used >= quota ? ' full' : '') },
      h('span', { style: 'width:' + Math.min(100, (100 * used) / Math.max(1, quota)).toFixed(1) + '%' })));
  put(el,
    meter('jobs queued or running', q.usage.active_jobs, q.quotas.active_jobs),
    meter('running', q.usage.running_jobs, q.quotas.running_jobs),
    meter('datasets stored', q.usage.stored_bytes, q.quotas.stored_bytes, fmtBytes),
    h('div', { class: 'muted', text: 'per job: ' + Number(q.quotas.job_gflop).toExponential(1) + ' GFLOP, '
      + fmtDuration(q.quotas.job_seconds) + '; ' + q.quotas.requests_per_minute + ' requests/min per key' }));
}

// ---- charts (SVG)

function frame(w, hgt, xs, ys, pad = 36) {
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const sx = (x) => pad + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (w - pad - 8);
  const sy = (y) => hgt - pad + 8 - (y1 === y0 ? 0.5 : (y - y0) / (y1 - y0)) * (hgt - pad);
  const axes = s('g', { class: 'axes', 'font-size': '10', fill: '#667085' },
    s('line', { x1: pad, y1: hgt - pad + 8, x2: w - 8, y2: hgt - pad + 8, stroke: '#cfd4dc' }),
    s('line', { x1: pad, y1: 8, x2: pad, y2: hgt - pad + 8, stroke: '#cfd4dc' }),
    s('text', { x: pad, y: hgt - 8 }, fmtNum(x0)), s('text', { x: w - 8, y: hgt - 8, 'text-anchor': 'end' }, fmtNum(x1)),
    s('text', { x: 2, y: 14 }, fmtNum(y1)), s('text', { x: 2, y: hgt - pad + 8 }, fmtNum(y0)));
  return { sx, sy, axes };
}
function fmtNum(v) {
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return v.toString();
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(2) : (+v.toFixed(4)).toString();
}

function lineChart(xs, ys, label) {
  const w = 520, hgt = 240;
  if (!xs.length) return h('p', { class: 'muted', text: 'No points yet.' });
  const f = frame(w, hgt, xs, ys);
  const d = xs.map((x, i) => (i ? 'L' : 'M') + f.sx(x).toFixed(1) + ' ' + f.sy(ys[i]).toFixed(1)).join(' ');
  return s('svg', { class: 'chart', viewBox: `0 0 ${w} ${hgt}`, role: 'img', 'aria-label': label, 'data-points': xs.length },
    f.axes, s('path', { d, fill: 'none', stroke: '#3b5bdb', 'stroke-width': '1.6', class: 'series' }));
}

function scatter(points, i, j, size = 520) {
  const xs = points.map((p) => p[i]), ys = points.map((p) => p[j]);
  const f = frame(size, size, xs, ys, size > 300 ? 36 : 10);
  return s('svg', { class: 'chart', viewBox: `0 0 ${size} ${size}`, role: 'img',
    'aria-label': `samples, dimension ${i + 1} against ${j + 1}`, 'data-points': points.length },
    size > 300 ? f.axes : null,
    s('g', { fill: '#3b5bdb', 'fill-opacity': '0.45', class: 'series' },
      points.map((p) => s('circle', { cx: f.sx(p[i]).toFixed(1), cy: f.sy(p[j]).toFixed(1), r: size > 300 ? 2 : 1.2 }))));
}

function pairPlot(points, dim) {
  const k = Math.min(dim, 4);
  if (k <= 2) return scatter(points, 0, Math.min(1, dim - 1));
  const cells = [];
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) cells.push(r === c
    ? h('div', { class: 'muted', style: 'display:flex;align-items:center;justify-content:center', text: 'x' + (r + 1) })
    : scatter(points, c, r, 160));
  return h('div', { style: `display:grid;grid-template-columns:repeat(${k},1fr);gap:4px`, role: 'img',
    'aria-label': 'pair plot of the first ' + k + ' dimensions' }, cells);
}

function histogram(p) {
  const w = 520, hgt = 240, pad = 36, n = p.counts.length, top = Math.max(...p.counts, 1);
  const bw = (w - pad - 8) / n;
  return s('svg', { class: 'chart', viewBox: `0 0 ${w} ${hgt}`, role: 'img', 'aria-label': 'histogram of NLL per point' },
    s('g', { fill: '#3b5bdb', class: 'series' }, p.counts.map((c, i) => s('rect', {
      x: (pad + i * bw).toFixed(1), y: (hgt - pad - (c / top) * (hgt - pad - 8)).toFixed(1),
      width: Math.max(1, bw - 1).toFixed(1), height: ((c / top) * (hgt - pad - 8)).toFixed(1) }))),
    s('g', { 'font-size': '10', fill: '#667085' }, s('text', { x: pad, y: hgt - 16 }, fmtNum(p.min) + ' nats'),
      s('text', { x: w - 8, y: hgt - 16, 'text-anchor': 'end' }, fmtNum(p.max) + ' nats')));
}

// ---- job detail

async function jobView(id) {
  const head = h('div');
  const facts = h('div', { class: 'card' });
  const chartBox = h('div', { class: 'card', id: 'chart' });
  const files = h('div', { class: 'card', id: 'artifacts' });
  const timeline = h('ol', { class: 'timeline', id: 'timeline' });
  put(main, head, h('div', { class: 'grid' }, facts, chartBox), files,
    h('div', { class: 'card' }, h('h2', { text: 'Events' }), timeline));
  let after = 0;
  const loss = { x: [], y: [] };
  let shownVersion = -1;
  let previewDone = false;
  let live = null; // the latest preview grid of a running image training: { step, url }

  async function refresh() {
    if (location.hash !== '#/jobs/' + id) return;
    let job;
    try { job = await api('/v1/jobs/' + id, { poll: true }); } catch (e) {
      put(head, h('div', { class: 'problem', text: e.message })); return;
    }
    if (job.version !== shownVersion) {
      shownVersion = job.version;
      const events = await api(`/v1/jobs/${id}/events?after=${after}&limit=1000`);
      for (const e of events.data) {
        after = e.seq;
        if (e.kind === 'metric' && e.data.name === 'loss') { loss.x.push(e.data.at); loss.y.push(e.data.value); }
        if (e.kind === 'progress') continue;
        const text = e.kind === 'status' ? 'status ' + e.data.status + (e.data.error ? ': ' + e.data.error.code : '')
          : e.kind === 'metric' ? e.data.name + ' = ' + fmtNum(e.data.value) : e.data.message;
        timeline.append(h('li', {}, h('span', { class: 'muted', text: new Date(e.at).toLocaleTimeString() + ' ' }),
          h('strong', { text: e.kind + ' ' }), text));
      }
      drawHead(job);
      drawFacts(job);
      if (job.type === 'synthesize') await drawShards(job);
      if (job.status === 'succeeded' && !previewDone) { previewDone = true; await drawOutputs(job); }
      else if (job.type === 'synthesize' && job.status === 'cancelled' && !previewDone) {
        previewDone = true;
        await drawFiles(job);
      }
      else if (job.type === 'train' && job.status !== 'succeeded') {
        const step = job.progress.preview_step;
        if (step != null && (!live || live.step !== step)) {
          try { const p = await api(`/v1/jobs/${id}/preview`); live = { step: p.grid_step, url: p.grid_url }; } catch (e) { /* next poll */ }
        }
        put(chartBox, h('h2', { text: 'Loss' }), lineChart(loss.x, loss.y, 'training loss'),
          live ? h('h2', { text: `Samples at step ${live.step}` }) : null,
          live ? h('img', { class: 'grid', id: 'live-grid', src: live.url, alt: `preview grid of samples at step ${live.step}` }) : null);
      } else if (job.status !== 'succeeded' && job.type !== 'synthesize') {
        put(chartBox, h('h2', { text: 'Preview' }), h('p', { class: 'muted', text: 'Shown when the job has succeeded.' }));
      }
    }
    schedule(refresh, active(job));
  }

  // cancelling asks first (a training may be hours of work); the question outlives the page's polls
  let confirming = false;
  function cancelControl(job) {
    if (!active(job) || job.status === 'cancelling') return null;
    if (!confirming) {
      return h('button', { class: 'danger', id: 'cancel', onclick: () => {
        confirming = true; drawHead(job); $('#cancel-keep').focus();
      } }, 'Cancel');
    }
    return h('span', { class: 'confirm', id: 'cancel-ask', role: 'group', 'aria-label': 'confirm cancel' },
      h('span', { text: 'Cancel this job?' }),
      h('button', { class: 'danger', id: 'cancel-confirm', onclick: async () => {
        confirming = false;
        try { await api(`/v1/jobs/${id}/cancel`, { method: 'POST' }); toast('Cancel requested'); refresh(); } catch (e) { toast(e.message); }
      }, text: 'Yes, cancel' }),
      h('button', { class: 'secondary', id: 'cancel-keep', onclick: () => {
        confirming = false; drawHead(job); $('#cancel').focus();
      }, text: 'Keep running' }));
  }

  function drawHead(job) {
    const cancel = cancelControl(job);
    put(head, h('h1', {}, (job.name ? job.name + ' · ' : '') + job.type + ' job ', badge(job.status)),
      h('div', { class: 'filters' }, h('div', { style: 'flex:1;min-width:200px' }, bar(job),
        h('div', { class: 'muted', id: 'progress-text', text: (job.progress.message || '') +
          (active(job) && job.progress.eta_seconds != null ? ' · ETA ' + fmtDuration(job.progress.eta_seconds) : '') })), cancel),
      job.error ? h('div', { class: 'problem', id: 'job-error' }, h('strong', { text: job.error.code + ': ' }), job.error.message) : null);
  }

  function drawFacts(job) {
    const rows = [['id', job.id], ['attempt', job.attempt + ' of ' + job.max_attempts], ['created', fmtTime(job.created_at)],
      ['started', fmtTime(job.started_at)], ['finished', fmtTime(job.finished_at)], ['duration', duration(job)]];
    if (job.dataset) rows.push(['dataset', job.dataset]);
    if (job.model) rows.push(['model', job.model]);
    for (const [k, v] of Object.entries(job.params || {})) rows.push(['params.' + k, JSON.stringify(v)]);
    for (const [k, v] of Object.entries(job.result || {})) rows.push(['result.' + k, typeof v === 'number' ? fmtNum(v) : String(v)]);
    put(facts, h('h2', { text: 'Details' }), h('dl', { class: 'kv', id: 'facts' }, rows.map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])),
      job.type === 'train' && job.result ? h('p', {}, h('a', { href: '#/new?type=generate&model=' + job.result.model, text: 'Generate from this model' })) : null);
  }

  /** The shard map of a synthesis: one cell per shard, coloured by status, and its counts and rate. */
  async function drawShards(job) {
    let sh;
    try { sh = await api(`/v1/jobs/${id}/shards?limit=1`); } catch (e) { return; }
    const names = { q: 'queued', r: 'running', s: 'succeeded', f: 'failed', c: 'cancelled' };
    const c = sh.counts;
    const rate = job.progress.rows_per_second;
    put(chartBox, h('h2', { text: `Shards (${c.total})` }),
      h('div', { class: 'shard-map', id: 'shard-map', role: 'img',
        'aria-label': `${c.succeeded} of ${c.total} shards done, ${c.running} running, ${c.queued} queued, ${c.failed} failed` },
        [...sh.map].map((ch, i) => h('span', { class: 'shard ' + names[ch], title: `shard ${i}: ${names[ch]}` }))),
      h('p', { class: 'muted', id: 'shard-counts' }, ['succeeded', 'running', 'queued', 'failed', 'cancelled']
        .map((k) => h('span', { class: 'legend' }, h('span', { class: 'shard ' + k }), ` ${k} ${c[k]} `))),
      h('p', { class: 'muted', text: `${fmtNum(sh.rows_done)} of ${fmtNum(sh.rows)} rows` +
        (rate ? ` · ${fmtNum(Math.round(rate))} rows/s over all workers` : '') +
        (active(job) && job.progress.eta_seconds != null ? ' · ETA ' + fmtDuration(job.progress.eta_seconds) : '') }),
      chartBox.querySelector('#report') || null);
  }

  /** The files of a job, a page at a time (a synthesis may have thousands of parts). */
  async function drawFiles(job, url) {
    const m = await api(url || `/v1/jobs/${id}/artifacts`);
    const more = m.has_more ? h('button', { class: 'secondary', id: 'more-files', onclick: () => drawFiles(job, m.next) },
      'More files') : null;
    const items = m.files.map((f) => h('li', {}, h('a', { href: f.url, download: f.name, text: f.name }),
      h('span', { class: 'muted', text: ' ' + f.bytes + ' bytes, sha256 ' + f.sha256.slice(0, 12) })));
    if (url) { $('#file-list', files).append(...items); if (more) $('#file-list', files).after(more); return; }
    put(files, h('h2', { text: job.type === 'synthesize' && job.status === 'cancelled' ? 'Committed parts' : 'Files' }),
      h('ul', { id: 'file-list' }, items), more);
  }

  async function drawOutputs(job) {
    try {
      await drawFiles(job);
      const p = await api(`/v1/jobs/${id}/preview`);
      if (p.kind === 'synthesis') { drawReport(p.report); return; }
      const grid = (url, alt) => h('img', { class: 'grid', src: url, alt });
      if (p.kind === 'loss') put(chartBox, h('h2', { text: 'Loss' }), lineChart(p.steps, p.loss, 'training loss'),
        p.grid_url ? h('h2', { text: `Samples at step ${p.grid_step}` }) : null,
        p.grid_url ? grid(p.grid_url, `preview grid of samples at step ${p.grid_step}`) : null);
      else if (p.kind === 'image_grid') put(chartBox, h('h2', { text: `Samples (first ${p.shown} of ${p.count})` }),
        grid(p.grid_url, 'grid of generated images'));
      else if (p.kind === 'scatter') put(chartBox, h('h2', { text: `Samples (first ${p.points.length} of ${p.count})` }), pairPlot(p.points, p.dim));
      else if (p.kind === 'histogram') put(chartBox, h('h2', { text: 'NLL per point' }), histogram(p),
        h('p', { class: 'muted', text: `mean ${fmtNum(p.mean)} nats over ${p.count} points` }));
    } catch (e) { put(chartBox, h('div', { class: 'problem', text: e.message })); }
  }
  /** A synthesis report: quality and privacy tables, marginals and the DCR histogram. */
  function drawReport(r) {
    const box = h('div', { id: 'report' });
    if (!r) { put(box, h('p', { class: 'muted', text: 'No report (report: false).' })); chartBox.append(box); return; }
    const num = (v) => (v === null || v === undefined ? '-' : fmtNum(+(+v).toPrecision(3)));
    const table3 = (caption, rows) => h('div', { class: 'table-wrap' }, h('table', { class: 'report' },
      h('caption', { text: caption }),
      h('thead', {}, h('tr', {}, ['', 'synthetic', 'held out (floor)', 'Gaussian (baseline)'].map((t) => h('th', { text: t })))),
      h('tbody', {}, rows.map(([label, o]) => h('tr', {}, h('td', { text: label }),
        ['synthetic', 'held_out', 'gaussian'].map((k) => h('td', { text: num(o && o[k]) })))))));
    const parts = [h('h2', { text: 'Report' }), h('p', { class: 'muted', text: 'Held out: ' + (r.held_out || '-') })];
    if (r.training_data) parts.push(h('p', { class: 'muted', text: 'Training data: ' + r.training_data }));
    const q = r.quality || {};
    if (q.ks_mean) parts.push(table3('Quality (lower is closer to the training data)', [['mean KS', q.ks_mean],
      ['correlation difference', q.correlation_difference], ['sliced Wasserstein-1', q.sliced_wasserstein]]));
    else if (q.frechet) parts.push(table3('Quality (classifier features)', [['Fréchet distance', q.frechet],
      ['confident share', q.confident], ['class TV', q.class_tv]]));
    else if (q.note) parts.push(h('p', { class: 'muted', text: q.note }));
    const p = r.privacy;
    if (p) {
      parts.push(table3('Privacy (distance to the closest training row)', [['median DCR', p.dcr_median],
        ['share closer than the held-out 5th percentile', p.share_below_held_out_p05], ['exact copies', p.exact_copies]]));
      if (p.dcr_histogram) parts.push(h('h3', { text: 'DCR: synthetic (blue) and held out (grey)' }),
        bars(p.dcr_histogram.edges, p.dcr_histogram.synthetic, p.dcr_histogram.held_out, 'distance to the closest training row'));
    }
    for (const m of (r.marginals || []).slice(0, 4)) parts.push(h('h3', { text: `${m.name}: synthetic (blue) and training (grey)` }),
      bars(m.edges, m.synthetic, m.training, 'marginal of ' + m.name));
    put(box, ...parts);
    chartBox.append(box);
  }

  await refresh();
}

/** Two histograms over the same bins: blue bars, and a grey outline for the reference. */
function bars(edges, a, b, label) {
  const w = 520, hgt = 180, pad = 30, n = a.length;
  const top = Math.max(...a, ...(b || [0]), 1e-9);
  const bw = (w - pad - 8) / n;
  const y = (v) => hgt - pad - (v / top) * (hgt - pad - 8);
  const ref = b ? s('path', { d: b.map((v, i) => (i ? 'L' : 'M') + (pad + i * bw).toFixed(1) + ' ' + y(v).toFixed(1) +
    ' L' + (pad + (i + 1) * bw).toFixed(1) + ' ' + y(v).toFixed(1)).join(' '), fill: 'none', stroke: '#667085', 'stroke-width': '1.5' }) : null;
  return s('svg', { class: 'chart', viewBox: `0 0 ${w} ${hgt}`, role: 'img', 'aria-label': label },
    s('g', { fill: '#3b5bdb', 'fill-opacity': '0.6', class: 'series' }, a.map((v, i) => s('rect', {
      x: (pad + i * bw).toFixed(1), y: y(v).toFixed(1), width: Math.max(1, bw - 1).toFixed(1), height: (hgt - pad - y(v)).toFixed(1) }))),
    ref, s('g', { 'font-size': '10', fill: '#667085' }, s('text', { x: pad, y: hgt - 10 }, fmtNum(+edges[0].toPrecision(3))),
      s('text', { x: w - 8, y: hgt - 10, 'text-anchor': 'end' }, fmtNum(+edges[edges.length - 1].toPrecision(3)))));
}

// ---- forms

function field(id, labelText, control, hint) {
  return h('div', { class: 'field', 'data-field': id }, h('label', { for: id, text: labelText }), control,
    hint ? h('div', { class: 'muted', text: hint }) : null, h('div', { class: 'error', id: id + '-error' }));
}

/** Puts each server-side validation error next to its field (pointer -> field id). */
function showProblem(form, err, pointerToField) {
  form.querySelectorAll('.field').forEach((f) => { f.classList.remove('invalid'); $('.error', f).textContent = ''; });
  const general = $('.form-problem', form);
  general.textContent = '';
  const errors = (err.problem && err.problem.errors) || [];
  let placed = false;
  for (const e of errors) {
    const id = pointerToField(e.pointer);
    const f = id && form.querySelector(`[data-field="${id}"]`);
    if (f) { f.classList.add('invalid'); $('.error', f).textContent = e.message; placed = true; }
  }
  if (!placed || !errors.length) general.textContent = err.message;
}

async function newJobView(params) {
  const type = params.get('type') || 'train';
  const [datasets, models] = await Promise.all([api('/v1/datasets'), api('/v1/models')]);
  const dsOptions = (extra) => [...extra, ...datasets.data.map((d) => h('option', { value: d.id,
    selected: d.id === params.get('dataset'), text: `${d.name} (${d.count} x ${d.dim})` }))];
  const builtins = ['ring8', 'moons', 'checkerboard', 'swissroll'].map((b) => h('option', { value: 'builtin:' + b, text: 'builtin:' + b }));
  const modelOptions = models.data.map((m) => h('option', { value: m.id, selected: m.id === params.get('model'),
    text: `${m.id.slice(0, 8)} (${m.dataset}, d=${m.dim})` }));
  const tabs = h('div', { class: 'tabs', role: 'tablist' }, ['train', 'generate', 'likelihood', 'synthesize'].map((t) =>
    h('button', { type: 'button', role: 'tab', 'aria-selected': String(t === type), onclick: () => { location.hash = '#/new?type=' + t; } }, t)));
  let fields;
  if (type === 'train') {
    fields = [field('dataset', 'Dataset', h('select', { id: 'dataset' }, dsOptions(builtins))),
      field('steps', 'Steps', h('input', { id: 'steps', type: 'number', min: '1', placeholder: '20000' }),
        'empty: the engine default, 20,000 (1.5-2.5 min for small tables here); 2,000 gives a quick first look'),
      field('seed', 'Seed', h('input', { id: 'seed', type: 'number', value: '0' }))];
  } else if (type === 'generate') {
    fields = [field('model', 'Model', h('select', { id: 'model' }, modelOptions)),
      field('count', 'Samples', h('input', { id: 'count', type: 'number', value: '2000' })),
      field('seed', 'Seed', h('input', { id: 'seed', type: 'number', value: '0' })),
      field('solver', 'Solver', h('select', { id: 'solver' }, ['rk45', 'heun', 'euler', 'edm'].map((v) => h('option', { value: v, text: v }))))];
  } else if (type === 'synthesize') {
    fields = [field('model', 'Model', h('select', { id: 'model' }, modelOptions)),
      field('count', 'Rows (or images)', h('input', { id: 'count', type: 'number', value: '100000' })),
      field('format', 'Format', h('select', { id: 'format' }, ['npy', 'csv', 'parquet', 'png-tar'].map((v) => h('option', { value: v, text: v }))),
        'tables: npy, csv or parquet; images: npy or png-tar'),
      field('shard_size', 'Shard size', h('input', { id: 'shard_size', type: 'number', placeholder: 'about 45 s of one worker' })),
      field('seed', 'Seed', h('input', { id: 'seed', type: 'number', value: '0' })),
      field('solver', 'Solver', h('select', { id: 'solver' }, ['rk45', 'heun', 'euler', 'edm'].map((v) => h('option', { value: v, text: v })))),
      field('classes', 'Classes (class-conditional models)', h('input', { id: 'classes', type: 'text', placeholder: 'data, balanced, or {"0": 500, "3": 500}' })),
      field('log_density', 'Log density per row', h('select', { id: 'log_density' }, ['no', 'yes'].map((v) => h('option', { value: v, text: v })))),
      field('report', 'Quality and privacy report', h('select', { id: 'report' }, ['default', 'yes', 'no'].map((v) => h('option', { value: v, text: v }))))];
  } else {
    fields = [field('model', 'Model', h('select', { id: 'model' }, modelOptions)),
      field('dataset', 'Dataset', h('select', { id: 'dataset' }, dsOptions(builtins))),
      field('estimator', 'Divergence', h('select', { id: 'estimator' }, ['exact', 'hutchinson'].map((v) => h('option', { value: v, text: v }))))];
  }
  const form = h('form', { class: 'card', id: 'job-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    const val = (id) => form.querySelector('#' + id) && form.querySelector('#' + id).value;
    const num = (id) => (val(id) === '' ? undefined : Number(val(id)));
    let body;
    if (type === 'train') body = { type, dataset: val('dataset'), params: { steps: num('steps'), seed: num('seed') } };
    else if (type === 'generate') body = { type, model: val('model'), params: { count: num('count'), seed: num('seed'), solver: val('solver') } };
    else if (type === 'synthesize') {
      const c = (val('classes') || '').trim();
      let classes;
      try { classes = c === '' ? undefined : c.startsWith('{') ? JSON.parse(c) : c; } catch (x) { classes = c; }
      body = { type, model: val('model'), params: { count: num('count'), format: val('format'), shard_size: num('shard_size'),
        seed: num('seed'), solver: val('solver'), classes, log_density: val('log_density') === 'yes' ? true : undefined,
        report: val('report') === 'default' ? undefined : val('report') === 'yes' } };
    }
    else body = { type, model: val('model'), dataset: val('dataset'), params: { estimator: val('estimator') } };
    try {
      const job = await api('/v1/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      location.hash = '#/jobs/' + job.id;
    } catch (err) {
      showProblem(form, err, (p) => (p.startsWith('/params/') ? p.slice(8).split('/')[0] : p.slice(1)));
    }
  } }, fields, h('div', { class: 'problem form-problem', role: 'alert' }),
  h('button', { type: 'submit', text: 'Submit ' + type + ' job' }));
  put(main, h('h1', { text: 'New job' }), tabs, form);
}

async function datasetsView() {
  const file = h('input', { id: 'file', type: 'file', accept: '.npy,.csv' });
  const name = h('input', { id: 'name', type: 'text', placeholder: 'my-data' });
  const labelColumn = h('input', { id: 'label_column', type: 'text', placeholder: 'optional: species, or 0' });
  const list = h('tbody');
  const form = h('form', { class: 'card', id: 'upload-form', onsubmit: async (e) => {
    e.preventDefault();
    const f = file.files[0];
    const fmt = f && f.name.toLowerCase().endsWith('.npy') ? 'npy' : 'csv';
    const q = new URLSearchParams({ name: name.value || (f ? f.name.replace(/\.[^.]*$/, '') : ''), format: fmt });
    if (labelColumn.value.trim()) q.set('label_column', labelColumn.value.trim());
    try {
      await api('/v1/datasets?' + q, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: f || new Blob([]) });
      toast('Dataset stored');
      datasetsView();
    } catch (err) {
      showProblem(form, err, (p) => ({ '/body': 'file', '/query/name': 'name', '/query/format': 'file',
        '/query/label_column': 'label_column' })[p]);
    }
  } },
  h('h2', { text: 'Upload a dataset' }),
  field('file', 'File (.npy [n, d] or .csv)', file), field('name', 'Name', name),
  field('label_column', 'Label column (class-conditional training)', labelColumn,
    'a column of integer classes, by header name or 0-based index; it leaves the features'),
  h('div', { class: 'problem form-problem', role: 'alert' }),
  h('button', { type: 'submit', text: 'Upload' }));
  const datasets = await api('/v1/datasets');
  put(list, ...datasets.data.map((d) => h('tr', {}, h('td', { text: d.name + (d.labels ? ` (${d.labels.classes} classes)` : '') }), h('td', { text: d.format }),
    h('td', { text: d.count }), h('td', { text: d.dim }), h('td', { class: 'hide-sm', text: age(d.created_at) }),
    h('td', {}, h('a', { href: '#/new?type=train&dataset=' + d.id, text: 'train' })))));
  put(main, h('h1', { text: 'Datasets' }), form,
    h('table', {}, h('thead', {}, h('tr', {}, ['Name', 'Format', 'Rows', 'Columns', 'Added', ''].map((t, i) =>
      h('th', { class: i === 4 ? 'hide-sm' : null, text: t })))), list));
}

async function modelsView() {
  const models = await api('/v1/models');
  put(main, h('h1', { text: 'Models' }), h('table', { id: 'models' },
    h('thead', {}, h('tr', {}, ['Model', 'Dataset', 'Dim', 'Final loss', 'Trained', ''].map((t) => h('th', { text: t })))),
    h('tbody', {}, models.data.map((m) => h('tr', {},
      h('td', {}, h('a', { href: '#/jobs/' + m.training_job, text: m.id.slice(0, 8) })),
      h('td', { text: m.dataset }), h('td', { text: m.dim }), h('td', { text: fmtNum(m.metrics.final_loss) }),
      h('td', { text: age(m.created_at) }),
      h('td', {}, h('a', { href: '#/new?type=generate&model=' + m.id, text: 'generate' }), ' ',
        h('a', { href: '#/new?type=synthesize&model=' + m.id, text: 'synthesize' })))))));
}

// ---- routing

async function route() {
  clearTimeout(pollTimer);
  schedule.pending = null;
  if (!localStorage.getItem(KEY)) { signIn(); return; }
  $('#nav').hidden = false;
  const [path, query] = (location.hash.slice(1) || '/jobs').split('?');
  const params = new URLSearchParams(query || '');
  try {
    if (path.startsWith('/jobs/')) await jobView(path.slice(6));
    else if (path === '/new') await newJobView(params);
    else if (path === '/datasets') await datasetsView();
    else if (path === '/models') await modelsView();
    else await jobsView();
  } catch (e) {
    if (e.status !== 401) put(main, h('div', { class: 'problem', text: e.message }));
  }
  main.focus({ preventScroll: true });
}

$('#signout').addEventListener('click', () => { localStorage.removeItem(KEY); etags.clear(); signIn(); });
window.addEventListener('hashchange', route);
route();
