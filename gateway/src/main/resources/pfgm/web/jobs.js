'use strict';
// jobs.js: the jobs list and a job's page.

// ---- jobs list

const JOB_TYPES = ['train', 'generate', 'likelihood', 'synthesize', 'encode', 'decode', 'interpolate', 'classifier', 'eval'];
const PAGE = 25;
/** The list's filters and where it is: {@code pages} holds the cursor of each page shown before this one. */
const listState = { status: '', type: '', name: '', meta: '', pages: [], after: null };

async function jobsView() {
  const restart = () => { listState.pages = []; listState.after = null; refresh(); };
  const status = h('select', { id: 'f-status', onchange: () => { listState.status = status.value; restart(); } },
    ['', 'queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled'].map((v) =>
      h('option', { value: v, selected: v === listState.status, text: v || 'any status' })));
  const type = h('select', { id: 'f-type', onchange: () => { listState.type = type.value; restart(); } },
    ['', ...JOB_TYPES].map((v) => h('option', { value: v, selected: v === listState.type, text: v || 'any type' })));
  const name = h('input', { id: 'f-name', type: 'search', value: listState.name, placeholder: 'exact name' });
  const meta = h('input', { id: 'f-meta', type: 'search', value: listState.meta, placeholder: 'key=value, ...' });
  const search = h('form', { class: 'filters', role: 'search', 'aria-label': 'find jobs', onsubmit: (e) => {
    e.preventDefault();
    listState.name = name.value.trim();
    listState.meta = meta.value.trim();
    restart();
  } },
  h('div', {}, h('label', { for: 'f-status', text: 'Status' }), status),
  h('div', {}, h('label', { for: 'f-type', text: 'Type' }), type),
  h('div', {}, h('label', { for: 'f-name', text: 'Name' }), name),
  h('div', {}, h('label', { for: 'f-meta', text: 'Metadata' }), meta),
  h('button', { type: 'submit', id: 'f-search', text: 'Search' }),
  h('a', { href: '#/new', text: 'New job' }));
  const body = h('tbody');
  const note = h('p', { class: 'muted', id: 'list-note' });
  const pager = h('div', { class: 'pager', id: 'pager' });
  const usage = h('div', { id: 'usage', class: 'usage' });
  put(main, h('h1', { text: 'Jobs' }), usage, search,
    h('div', { class: 'table-wrap' }, h('table', { id: 'jobs' }, h('thead', {}, h('tr', {},
      ['Job', 'Type', 'Status', 'Progress', 'ETA', 'Attempt', 'Age', 'Duration'].map((t, i) =>
        h('th', { class: i >= 5 ? 'hide-sm' : null, text: t })))), body)), pager, note);

  async function refresh() {
    if (!location.hash.startsWith('#/jobs') || location.hash.startsWith('#/jobs/')) return;
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (listState.status) q.set('status', listState.status);
    if (listState.type) q.set('type', listState.type);
    if (listState.name) q.set('name', listState.name);
    for (const pair of listState.meta.split(',').map((p) => p.trim()).filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq < 1) { note.textContent = `metadata: "${pair}" is not key=value`; return; }
      q.set('metadata[' + pair.slice(0, eq).trim() + ']', pair.slice(eq + 1).trim());
    }
    if (listState.after) q.set('after', listState.after);
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
    const filtered = listState.status || listState.type || listState.name || listState.meta;
    if (!page.data.length) put(body, h('tr', {}, h('td', { colspan: '8', class: 'muted',
      text: filtered ? 'No jobs match.' : 'No jobs yet.' })));
    const n = listState.pages.length;
    note.textContent = '';
    put(pager,
      n ? h('button', { type: 'button', class: 'secondary', id: 'newer', onclick: () => {
        listState.after = listState.pages.pop(); refresh();
      }, text: 'Newer' }) : null,
      h('span', { class: 'muted', id: 'page-no', text: `page ${n + 1}` }),
      page.has_more ? h('button', { type: 'button', class: 'secondary', id: 'older', onclick: () => {
        listState.pages.push(listState.after); listState.after = page.data[page.data.length - 1].id; refresh();
      }, text: 'Older' }) : null);
    schedule(refresh, page.data.some(active));
  }
  await refresh();
}

// ---- job detail

async function jobView(id) {
  const head = h('div');
  const facts = h('div', { class: 'card' });
  const chartBox = h('div', { class: 'card', id: 'chart' });
  const files = h('div', { class: 'card', id: 'artifacts' });
  const hooks = h('div', { class: 'card', id: 'webhooks', hidden: true });
  // metric events (a loss every few steps) would drown the rest: shown on request
  const timeline = h('ol', { class: 'timeline hide-metric', id: 'timeline' });
  const kinds = h('div', { class: 'filters', role: 'group', 'aria-label': 'which events to show' },
    [['status', true], ['log', true], ['metric', false]].map(([k, on]) => h('label', { class: 'inline' },
      h('input', { type: 'checkbox', id: 'ev-' + k, checked: on, onchange: (e) => timeline.classList.toggle('hide-' + k, !e.target.checked) }),
      ' ' + k + ' events')));
  put(main, head, h('div', { class: 'grid' }, facts, chartBox), files, hooks,
    h('div', { class: 'card' }, h('h2', { text: 'Events' }), kinds, timeline));
  let after = 0;
  const loss = { x: [], y: [] };
  const lossState = { log: true };
  let shownVersion = -1;
  let previewDone = false;
  let live = null; // the latest preview grid of a running image training: { step, url }
  let hooksPending = false; // deliveries are made after the job's last change: the page keeps asking until they settle

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
        timeline.append(h('li', { 'data-kind': e.kind }, h('span', { class: 'muted', text: new Date(e.at).toLocaleTimeString() + ' ' }),
          h('strong', { text: e.kind + ' ' }), text));
      }
      await drawFacts(job);
      await drawWebhooks(job);
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
        put(chartBox, h('h2', { text: 'Loss' }), lossChart(loss.x, loss.y, lossState),
          live ? h('h2', { text: `Samples at step ${live.step}` }) : null,
          live ? h('img', { class: 'grid', id: 'live-grid', src: live.url, alt: `preview grid of samples at step ${live.step}` }) : null);
      } else if (job.status !== 'succeeded' && job.type !== 'synthesize') {
        put(chartBox, h('h2', { text: 'Preview' }), h('p', { class: 'muted', text: 'Shown when the job has succeeded.' }));
      }
      if (job.status !== 'succeeded' && !(job.type === 'synthesize' && job.status === 'cancelled')) {
        put(files, h('h2', { text: 'Files' }), h('p', { class: 'muted', id: 'no-files', text: active(job)
          ? 'Files appear here when the job has succeeded.' : 'This job made no files.' }));
      }
      // the status last: once it says succeeded, the files, chart and preview shown are the final ones
      drawHead(job);
    } else if (hooksPending) {
      await drawWebhooks(job);
    }
    schedule(refresh, active(job) || hooksPending);
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

  async function drawFacts(job) {
    const rows = [['id', named(job.id, job.id, 'job')], ['attempt', job.attempt + ' of ' + job.max_attempts],
      ['created', fmtTime(job.created_at)], ['started', fmtTime(job.started_at)], ['finished', fmtTime(job.finished_at)],
      ['duration', duration(job)]];
    if (job.dataset) {
      const d = await datasetOf(job.dataset);
      rows.push(['dataset', d ? named(d.name, d.id, 'dataset', '#/datasets/' + d.id) : job.dataset]);
    }
    if (job.model) {
      const m = await modelOf(job.model);
      rows.push(['model', m ? named(modelLabel(m), m.id, 'model', '#/jobs/' + m.training_job) : job.model]);
    }
    if (job.metadata) for (const [k, v] of Object.entries(job.metadata)) rows.push(['metadata.' + k, v]);
    if (job.webhook) rows.push(['webhook', job.webhook]);
    if (job.expires_at) rows.push(['files expire', fmtTime(job.expires_at)]);
    const show = (v) => (typeof v === 'number' ? fmtNum(v) : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));
    for (const [k, v] of Object.entries(job.params || {})) rows.push(['params.' + k, show(v)]);
    // numbers and words here; what the preview draws (an evaluation's table) and the whole result below
    for (const [k, v] of Object.entries(job.result || {})) {
      if (k === 'compute') rows.push(['computed on', `${v.backend}, ${v.device} (worker ${v.worker})`]);
      else if (v === null || typeof v !== 'object') rows.push(['result.' + k, show(v)]);
    }
    const model = job.type === 'train' && job.result ? job.result.model : null;
    put(facts, h('h2', { text: 'Details' }), h('dl', { class: 'kv', id: 'facts' }, rows.map(([k, v]) => [h('dt', { text: k }),
      h('dd', {}, v)])),
    job.result ? h('details', {}, h('summary', { text: 'The result as JSON' }), h('pre', { class: 'json', text: JSON.stringify(job.result, null, 2) })) : null,
    model ? h('p', { class: 'actions' }, ['generate', 'synthesize', 'encode', 'interpolate', 'eval'].map((t) =>
      [h('a', { href: `#/new?type=${t}&model=${model}`, text: t === 'generate' ? 'Generate from this model' : t }), ' '])) : null);
  }

  /** Deliveries of the job's webhooks (its own URL and the tenant's endpoints), when there are any. */
  async function drawWebhooks(job) {
    let w;
    try { w = await api(`/v1/jobs/${id}/webhooks`); } catch (e) { return; }
    // a finished job's deliveries are still to come (none yet) or under way (pending) until each is delivered or failed
    hooksPending = !active(job) && (w.data.some((d) => d.status === 'pending') || (!!job.webhook && !w.data.length));
    if (!w.data.length && !job.webhook) { hooks.hidden = true; return; }
    hooks.hidden = false;
    put(hooks, h('h2', { text: 'Webhook deliveries' }), w.data.length ? h('div', { class: 'table-wrap' }, h('table', { id: 'deliveries' },
      h('thead', {}, h('tr', {}, ['Event', 'URL', 'Status', 'Attempts', 'Last answer', 'When'].map((t) => h('th', { text: t })))),
      h('tbody', {}, w.data.map((d) => h('tr', { 'data-status': d.status },
        h('td', { text: d.event }), h('td', { class: 'wrap', text: d.url }), h('td', { text: d.status }),
        h('td', { text: d.attempts }), h('td', { text: d.last_status != null ? 'HTTP ' + d.last_status : d.last_error || '' }),
        h('td', { text: d.delivered_at ? 'delivered ' + age(d.delivered_at)
          : d.next_attempt_at ? 'next try ' + fmtTime(d.next_attempt_at) : age(d.created_at) }))))))
      : h('p', { class: 'muted', text: 'None yet: deliveries start when the job ends.' }));
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
      if (p.kind === 'eval') { drawEval(p.result); return; }
      if (p.kind === 'classifier') {
        put(chartBox, h('h2', { text: 'Classifier' }), h('p', { id: 'classifier-figures', text: `${fmtNum(p.result.validation_accuracy * 100)}%`
          + ` held-out accuracy over ${p.result.classes} classes of ${p.result.shape} images, after ${p.result.epochs} epochs` }),
        h('p', {}, h('a', { href: '#/new?type=eval&classifier=' + job.id, text: 'Evaluate an image model with it' })));
        return;
      }
      if (p.kind === 'loss') put(chartBox, h('h2', { text: 'Loss' }), lossChart(p.steps, p.loss, lossState),
        p.grid_url ? h('h2', { text: `Samples at step ${p.grid_step}` }) : null,
        p.grid_url ? grid(p.grid_url, `preview grid of samples at step ${p.grid_step}`) : null);
      else if (p.kind === 'image_grid') put(chartBox, h('h2', { text: job.type === 'interpolate' ? `Interpolation (${p.count} frames)`
        : `${job.type === 'decode' ? 'Decoded' : 'Samples'} (first ${p.shown} of ${p.count})` }),
      grid(p.grid_url, job.type === 'interpolate' ? 'strip of decoded images from one row to the other' : 'grid of generated images'));
      else if (p.kind === 'scatter') put(chartBox, h('h2', { text: `${job.type === 'encode' ? 'Latents' : 'Samples'} (first ${p.points.length} of ${p.count})` }),
        pairPlot(p.points, p.dim));
      else if (p.kind === 'histogram') put(chartBox, h('h2', { text: 'NLL per point' }), histogram(p),
        h('p', { class: 'muted', text: `mean ${fmtNum(p.mean)} nats over ${p.count} points` }));
    } catch (e) { put(chartBox, h('div', { class: 'problem', text: e.message })); }
  }
  /** An image model's evaluation: the table of ./pfgm eval, model beside held-out images and a Gaussian. */
  function drawEval(r) {
    const num = (v) => (v === null || v === undefined ? '-' : fmtNum(+(+v).toPrecision(4)));
    const row = (label, key) => h('tr', {}, h('td', { text: label }), ['model', 'real', 'gaussian'].map((c) => h('td', { text: num(r[c] && r[c][key]) })));
    put(chartBox, h('h2', { text: 'Evaluation' }), h('div', { class: 'table-wrap' }, h('table', { class: 'report', id: 'eval-table' },
      h('caption', { text: `${r.count} samples; reference: ${r.reference} training images` }),
      h('thead', {}, h('tr', {}, ['', 'model', 'held-out real', 'Gaussian'].map((t) => h('th', { text: t })))),
      h('tbody', {}, row('Fréchet distance (classifier features)', 'frechet'), row('share with confidence ≥ 0.8', 'confident'),
        row('class histogram TV', 'class_tv'), row('NLL bits/dim', 'bits_per_dim')))),
    r.classifier ? null : h('p', { class: 'muted', text: 'No classifier was named: only bits/dim is computed.' }));
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
