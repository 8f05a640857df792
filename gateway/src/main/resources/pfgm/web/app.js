'use strict';
// app.js: sign-in, usage meters and routing (loaded last).

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
    else if (path.startsWith('/datasets/')) await datasetView(path.slice(10));
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

