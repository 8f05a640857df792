'use strict';
// forms.js: the new-job form, built from the API's contract.

// ---- forms

function field(id, labelText, control, hint) {
  return h('div', { class: 'field', 'data-field': id }, h('label', { for: id, text: labelText }), control,
    hint ? h('div', { class: 'muted', text: hint }) : null, h('div', { class: 'error', id: id + '-error' }));
}

function clearProblems(form) {
  form.querySelectorAll('.field').forEach((f) => { f.classList.remove('invalid'); $('.error', f).textContent = ''; });
  $('.form-problem', form).textContent = '';
}

/**
 * Puts each server-side validation error next to its field (pointer -> field id); errors no field
 * shows go to the {@code fallback} field (named with their pointer), else to the form's problem box.
 */
function showProblem(form, err, pointerToField, fallback) {
  clearProblems(form);
  const general = $('.form-problem', form);
  const errors = (err.problem && err.problem.errors) || [];
  let placed = false;
  for (const e of errors) {
    const id = pointerToField(e.pointer);
    let f = id && form.querySelector(`[data-field="${id}"]`);
    let text = e.message;
    if (!f && fallback) { f = form.querySelector(`[data-field="${fallback}"]`); text = (e.pointer || '/') + ': ' + e.message; }
    if (f) {
      f.classList.add('invalid');
      const box = $('.error', f);
      box.textContent = box.textContent ? box.textContent + '; ' + text : text;
      placed = true;
    }
  }
  if (!placed || !errors.length) general.textContent = err.message;
}

// ---- the new-job form: one tab per job type, its fields drawn from the contract (/openapi.json), so
// every setting the API takes is here and the limits are the server's

const JOB_SCHEMAS = { train: 'TrainJob', generate: 'GenerateJob', likelihood: 'LikelihoodJob', synthesize: 'SynthesizeJob',
  encode: 'EncodeJob', decode: 'DecodeJob', interpolate: 'InterpolateJob', classifier: 'ClassifierJob', eval: 'EvalJob' };
/** The settings shown first; the rest wait under "All settings". */
const PRIMARY = {
  train: ['steps', 'seed', 'lr', 'batch', 'aug_dim', 'holdout'],
  generate: ['count', 'seed', 'solver', 'steps', 'format', 'class', 'guidance'],
  likelihood: ['estimator', 'probes', 'seed'],
  synthesize: ['count', 'format', 'shard_size', 'seed', 'solver', 'classes', 'log_density', 'report'],
  encode: ['solver', 'steps'], decode: ['solver', 'steps'],
  interpolate: ['from', 'to', 'frames', 'solver'],
  classifier: ['epochs', 'seed'],
  eval: ['classifier', 'count', 'nll_count', 'seed', 'solver', 'steps'],
};
const INITIAL = { generate: { count: 2000, seed: 0 }, synthesize: { count: 100000, seed: 0 }, train: { seed: 0 },
  interpolate: { from: 0, to: 1, frames: 10 } };
const HINTS = {
  'train.steps': 'empty: the engine default, 20,000 (1.5-2.5 min for small tables here); 2,000 gives a quick first look',
  'synthesize.shard_size': 'empty: about 45 s of one worker',
  'synthesize.classes': 'class-conditional models: data, balanced, or counts such as {"0": 500, "3": 500}',
};
/** Image training starting points (the README's Images section has the runs behind them). */
const PRESETS = [
  { id: 'engine', name: 'Engine defaults (tables: MLP; images: U-Net defaults)', params: {} },
  { id: 'quick', name: 'Images: quick look (2,000 steps, U-Net width 32)', params: { steps: 2000, unet_width: 32, lr: 0.001, warmup: 300, preview_every: 500 } },
  { id: 'fashion', name: 'Images: the Fashion-MNIST run in the README (33,000 steps, width 32)', params: { steps: 33000, unet_width: 32, lr: 0.001, warmup: 300 } },
  { id: 'conditional', name: 'Images: class-conditional PFGM++ (D = 128, width 64, 4,000 steps)', params: { aug_dim: 128, unet_width: 64, lr: 0.001, warmup: 300, steps: 4000 } },
];
const BUILTIN_TABLES = ['ring8', 'moons', 'checkerboard', 'swissroll', 'mixture6'];

let contractDoc = null;
async function jobSchemas() {
  if (!contractDoc) {
    const res = await fetch('/openapi.json');
    if (!res.ok) throw new Error('could not load the API contract (/openapi.json): HTTP ' + res.status);
    contractDoc = await res.json();
  }
  return contractDoc.components.schemas;
}
const deref = (schemas, x) => (x && x.$ref ? schemas[x.$ref.split('/').pop()] : x);

function deepMerge(base, extra) {
  for (const [k, v] of Object.entries(extra)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && base[k] && typeof base[k] === 'object') deepMerge(base[k], v);
    else base[k] = v;
  }
  return base;
}

/** The control for one setting, by its schema: a select for enums and yes/no, a bounded number, or text. */
function settingControl(name, ps, choices) {
  if (choices) return h('select', { id: name }, choices);
  if (ps.enum) return h('select', { id: name }, h('option', { value: '', text: 'default' }), ps.enum.map((v) => h('option', { value: v, text: v })));
  if (ps.type === 'boolean') return h('select', { id: name }, [['', 'default'], ['true', 'yes'], ['false', 'no']].map(([v, t]) => h('option', { value: v, text: t })));
  if (ps.type === 'integer' || ps.type === 'number') {
    const lo = ps.minimum !== undefined ? ps.minimum : ps.exclusiveMinimum;
    const hi = ps.maximum !== undefined ? ps.maximum : ps.exclusiveMaximum;
    return h('input', { id: name, type: 'number', min: lo, max: hi, step: ps.type === 'integer' ? '1' : 'any' });
  }
  return h('input', { id: name, type: 'text', placeholder: ps.type ? '' : 'text, or JSON' });
}

/** A control's value as the API wants it; undefined when empty (the server's default applies). */
function settingValue(el, ps) {
  const v = el.value.trim();
  if (v === '') return undefined;
  if (ps.type === 'integer' || ps.type === 'number') return Number(v);
  if (ps.type === 'boolean') return v === 'true';
  if (!ps.type || ps.type === 'object') {
    if (v.startsWith('{') || v.startsWith('[')) { try { return JSON.parse(v); } catch (e) { return v; } }
    // a setting of several kinds (aug_dim: a count or "inf") takes numbers as numbers
    if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(v)) return Number(v);
  }
  return v;
}

async function newJobView(params) {
  const type = JOB_SCHEMAS[params.get('type')] ? params.get('type') : 'train';
  const [schemas, all, classifierJobs] = await Promise.all([jobSchemas(), loadNames(),
    api('/v1/jobs?type=classifier&status=succeeded&limit=200')]);
  const schema = schemas[JOB_SCHEMAS[type]];
  const props = schema.properties;
  const paramSchema = deref(schemas, props.params) || { properties: {} };
  const isImageModel = (m) => !!(m.metrics && m.metrics.shape);

  // what this type may read: eval scores image models on images; decode reads a table of latents;
  // a classifier trains on labelled images
  let dsList = all.datasets;
  if (type === 'decode') dsList = dsList.filter((d) => !d.image);
  if (type === 'classifier') dsList = dsList.filter((d) => d.image && d.labels);
  if (type === 'eval') dsList = dsList.filter((d) => d.image);
  const builtins = props.dataset && props.dataset.format !== 'uuid'
    ? (type === 'eval' ? ['discs'] : [...BUILTIN_TABLES, 'discs']).map((b) => h('option', { value: 'builtin:' + b, text: 'builtin:' + b })) : [];
  const wanted = params.get('dataset');
  const datasetControl = props.dataset ? h('select', { id: 'dataset' },
    dsList.map((d) => h('option', { value: d.id, selected: d.id === wanted, text: datasetLabel(d) })),
    builtins.length ? h('optgroup', { label: 'builtin' }, builtins.map((o) => { o.selected = o.value === wanted; return o; })) : null) : null;
  const modelList = type === 'eval' ? all.models.filter(isImageModel) : all.models;
  const modelControl = props.model ? h('select', { id: 'model' },
    modelList.map((m) => h('option', { value: m.id, selected: m.id === params.get('model'), text: modelLabel(m) }))) : null;

  const choices = {
    classifier: [h('option', { value: '', text: type === 'eval' ? 'none: bits/dim only' : 'none' }), ...classifierJobs.data.map((j) => h('option', {
      value: j.id, selected: j.id === params.get('classifier'),
      text: (j.name || 'classifier ' + j.id.slice(0, 8)) + ` · ${j.result.shape}, ${fmtNum(+(100 * j.result.validation_accuracy).toFixed(1))}% accurate` }))],
    train: type === 'eval' ? [h('option', { value: '', text: "the model's training data" }),
      ...all.datasets.filter((d) => d.image).map((d) => h('option', { value: d.id, text: datasetLabel(d) })),
      h('option', { value: 'builtin:discs', text: 'builtin:discs' })] : null,
    // a synthesis report's held-out rows: an upload the model never saw
    held_out: type === 'synthesize' ? [h('option', { value: '', text: "default: the rows the model's train job held out" }),
      ...all.datasets.map((d) => h('option', { value: d.id, text: datasetLabel(d) }))] : null,
  };
  const settings = Object.entries(paramSchema.properties || {});
  const primary = PRIMARY[type] || [];
  const settingField = ([name, ps]) => field(name, name.replace(/_/g, ' ') + ((paramSchema.required || []).includes(name) ? ' (required)' : ''),
    settingControl(name, ps, choices[name]), HINTS[type + '.' + name] || ps.description || null);
  const first = settings.filter(([n]) => primary.includes(n)).sort((a, b) => primary.indexOf(a[0]) - primary.indexOf(b[0]));
  const rest = settings.filter(([n]) => !primary.includes(n));

  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'job type' }, Object.keys(JOB_SCHEMAS).map((t) =>
    h('button', { type: 'button', role: 'tab', id: 'tab-' + t, 'aria-selected': String(t === type), onclick: () => { location.hash = '#/new?type=' + t; } }, t)));
  const preset = type === 'train' ? field('preset', 'Preset', h('select', { id: 'preset', onchange: (e) => applyPreset(e.target.value) },
    PRESETS.map((p) => h('option', { value: p.id, text: p.name }))), 'fills the settings below; change any of them after') : null;
  const advanced = h('textarea', { id: 'advanced', rows: '4', spellcheck: 'false',
    placeholder: '{"metadata": {"team": "vision"}, "params": {"ema": 0.999}}' });
  const verdict = h('div', { class: 'muted', id: 'advanced-status', role: 'status' });
  const form = h('form', { class: 'card', id: 'job-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    let body;
    try { body = requestBody(); } catch (x) { showAdvancedSyntax(x); return; }
    try {
      const job = await api('/v1/jobs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      location.hash = '#/jobs/' + job.id;
    } catch (err) {
      showProblem(form, err, pointerField, 'advanced');
    }
  } },
  preset,
  datasetControl ? field('dataset', 'Dataset', datasetControl, type === 'decode' ? 'latents: a table of the model\'s dimension, such as an encode job\'s latents.npy uploaded' : null) : null,
  modelControl ? field('model', 'Model', modelControl, modelList.length ? null : type === 'eval' ? 'no image model yet: train one on an image dataset' : 'no model yet: train one first') : null,
  h('div', { class: 'fields' }, first.map(settingField)),
  rest.length ? h('details', { id: 'all-settings' }, h('summary', { text: `All settings (${rest.length} more)` }),
    h('div', { class: 'fields' }, rest.map(settingField))) : null,
  field('name', 'Job name', h('input', { id: 'name', type: 'text', maxlength: '200', placeholder: 'optional' }), 'find it later with the list\'s name search'),
  field('advanced', 'Advanced: JSON merged over the form', advanced, 'any field of the request (metadata, webhook, max_attempts, params); checked against the contract as you type'),
  verdict,
  h('div', { class: 'problem form-problem', role: 'alert' }),
  h('button', { type: 'button', class: 'secondary', id: 'check', onclick: () => check(), text: 'Check' }), ' ',
  h('button', { type: 'submit', text: 'Submit ' + type + ' job' }));
  put(main, h('h1', { text: 'New job' }), tabs, form);
  for (const [k, v] of Object.entries(INITIAL[type] || {})) { const el = form.querySelector('#' + k); if (el) el.value = v; }

  function pointerField(p) {
    if (p.startsWith('/params/')) { const n = p.slice(8).split('/')[0]; return form.querySelector('#' + CSS.escape(n)) ? n : null; }
    const n = p.slice(1).split('/')[0];
    return ['dataset', 'model', 'name'].includes(n) ? n : null;
  }

  function applyPreset(id) {
    const p = PRESETS.find((x) => x.id === id);
    for (const [n] of settings) { const el = form.querySelector('#' + n); if (el) el.value = ''; }
    for (const [n, v] of Object.entries(p.params)) { const el = form.querySelector('#' + n); if (el) el.value = v; }
    if (Object.keys(p.params).some((n) => !primary.includes(n))) $('#all-settings', form).open = true;
  }

  /** The request: the form's fields, then the advanced JSON merged over them. */
  function requestBody() {
    const body = { type };
    if (datasetControl && datasetControl.value) body.dataset = datasetControl.value;
    if (modelControl && modelControl.value) body.model = modelControl.value;
    const name = form.querySelector('#name').value.trim();
    if (name) body.name = name;
    const p = {};
    for (const [n, ps] of settings) { const v = settingValue(form.querySelector('#' + n), ps); if (v !== undefined) p[n] = v; }
    body.params = p;
    const extra = advanced.value.trim();
    if (extra) {
      const parsed = JSON.parse(extra);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new SyntaxError('it must be a JSON object');
      deepMerge(body, parsed);
    }
    return body;
  }

  function showAdvancedSyntax(x) {
    showProblem(form, new ApiError(422, { errors: [{ pointer: '/advanced', message: 'not valid JSON: ' + x.message }] }), () => 'advanced');
    verdict.textContent = '';
  }

  // the advanced box is checked against the contract as it is typed: a dry run of the submission
  let timer = null;
  advanced.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(check, 500); });
  async function check() {
    let body;
    try { body = requestBody(); } catch (x) { showAdvancedSyntax(x); return; }
    try {
      const r = await api('/v1/jobs/validate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      clearProblems(form);
      verdict.textContent = `Valid: about ${fmtNum(+r.estimated_gflop.toPrecision(3))} GFLOP of the ${fmtNum(+r.job_gflop_quota.toPrecision(3))} a job may use.`;
    } catch (err) {
      if (err.status === 401) return;
      verdict.textContent = '';
      showProblem(form, err, pointerField, 'advanced');
    }
  }
}
