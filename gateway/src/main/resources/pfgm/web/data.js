'use strict';
// data.js: datasets (upload, list, one dataset with its thumbnails) and models (list, download, delete).

/** An upload's format from its file name: .npy, .csv, a zip of PNGs, or IDX (also gzipped). */
function formatOf(fileName) {
  const n = fileName.toLowerCase();
  if (n.endsWith('.npy')) return 'npy';
  if (n.endsWith('.csv')) return 'csv';
  if (n.endsWith('.zip')) return 'png-zip';
  return 'idx';
}

/** A labels file's format: IDX labels, or one column of .npy or .csv. */
function labelsFormatOf(fileName) {
  const n = fileName.toLowerCase();
  return n.endsWith('.npy') ? 'npy' : n.endsWith('.csv') ? 'csv' : 'idx';
}

function kindOf(d) {
  return d.image ? `images ${d.image.channels}x${d.image.height}x${d.image.width}` : `table, ${d.dim} columns`;
}

async function datasetsView() {
  const file = h('input', { id: 'file', type: 'file', accept: '.npy,.csv,.zip,.idx,.gz,.idx3-ubyte,.idx1-ubyte' });
  const format = h('select', { id: 'format' }, [['', 'from the file name'], ['npy', 'npy'], ['csv', 'csv'], ['idx', 'IDX images'],
    ['png-zip', 'zip of PNGs']].map(([v, t]) => h('option', { value: v, text: t })));
  const name = h('input', { id: 'name', type: 'text', placeholder: 'my-data' });
  const labelColumn = h('input', { id: 'label_column', type: 'text', placeholder: 'optional: species, or 0' });
  const labels = h('input', { id: 'labels', type: 'file', accept: '.idx,.gz,.npy,.csv,.idx1-ubyte' });
  const list = h('tbody');
  const form = h('form', { class: 'card', id: 'upload-form', onsubmit: async (e) => {
    e.preventDefault();
    const f = file.files[0];
    const fmt = format.value || (f ? formatOf(f.name) : 'csv');
    const q = new URLSearchParams({ name: name.value || (f ? f.name.replace(/\.(gz|npy|csv|zip|idx)$/i, '') : ''), format: fmt });
    if (labelColumn.value.trim()) q.set('label_column', labelColumn.value.trim());
    let d;
    try {
      d = await api('/v1/datasets?' + q, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: f || new Blob([]) });
    } catch (err) {
      showProblem(form, err, (p) => ({ '/body': 'file', '/query/name': 'name', '/query/format': 'format',
        '/query/label_column': 'label_column' })[p]);
      return;
    }
    const l = labels.files[0];
    if (l) {
      try {
        await api(`/v1/datasets/${d.id}/labels?format=${labelsFormatOf(l.name)}`, { method: 'POST',
          headers: { 'Content-Type': 'application/octet-stream' }, body: l });
      } catch (err) {
        // the images are stored; the labels can be sent again from the dataset's page
        location.hash = '#/datasets/' + d.id;
        toast('Images stored; the labels were refused: ' + err.message);
        return;
      }
    }
    toast('Dataset stored');
    location.hash = '#/datasets/' + d.id;
  } },
  h('h2', { text: 'Upload a dataset' }),
  field('file', 'File', file, 'a table: .npy [n, d] or .csv; images: IDX (.gz too), a .zip of PNGs, or .npy [n, h, w], [n, c, h, w] or [n, h, w, c]'),
  field('format', 'Format', format), field('name', 'Name', name),
  field('label_column', 'Label column (tables, class-conditional training)', labelColumn,
    'a column of integer classes, by header name or 0-based index; it leaves the features'),
  field('labels', 'Labels file (images)', labels, 'IDX labels, or one column of integers as .npy or .csv; one per image'),
  h('div', { class: 'problem form-problem', role: 'alert' }),
  h('button', { type: 'submit', text: 'Upload' }));
  const datasets = await api('/v1/datasets');
  datasets.data.forEach((d) => known.datasets.set(d.id, d));
  put(list, ...datasets.data.map((d) => h('tr', { 'data-id': d.id },
    h('td', {}, h('a', { href: '#/datasets/' + d.id, title: d.id, text: d.name })),
    h('td', { text: kindOf(d) }), h('td', { text: d.count }), h('td', { text: d.labels ? d.labels.classes + ' classes' : '' }),
    h('td', { class: 'hide-sm', text: age(d.created_at) }),
    h('td', {}, h('a', { href: '#/new?type=train&dataset=' + d.id, text: 'train' })))));
  if (!datasets.data.length) put(list, h('tr', {}, h('td', { colspan: '6', class: 'muted', text: 'No datasets yet: upload one above.' })));
  put(main, h('h1', { text: 'Datasets' }), form,
    h('div', { class: 'table-wrap' }, h('table', { id: 'datasets' }, h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Rows', 'Labels', 'Added', ''].map((t, i) =>
      h('th', { class: i === 4 ? 'hide-sm' : null, text: t })))), list)));
}

/** One dataset: what it holds, its first images for an image set, and delete. */
async function datasetView(id) {
  const d = await api('/v1/datasets/' + id);
  known.datasets.set(d.id, d);
  const thumbs = h('div', { class: 'card', id: 'thumbnails' });
  const rows = [['id', named(d.id, d.id, 'dataset')], ['kind', kindOf(d)], ['rows', d.count], ['format', d.format],
    ['bytes', fmtBytes(d.bytes)], ['sha256', d.sha256], ['added', fmtTime(d.created_at)]];
  if (d.columns) rows.push(['columns', d.columns.join(', ')]);
  if (d.labels) rows.push(['labels', d.labels.classes + ' classes' + (d.labels.column ? ' (column ' + d.labels.column + ')' : '')]);
  const remove = confirmButton('delete-dataset', 'Delete', 'Delete this dataset and its file?', async () => {
    try { await api('/v1/datasets/' + d.id, { method: 'DELETE' }); known.datasets.delete(d.id); toast('Dataset deleted'); location.hash = '#/datasets'; } catch (e) { toast(e.message); }
  });
  put(main, h('h1', { text: 'Dataset ' + d.name }),
    h('div', { class: 'grid' }, h('div', { class: 'card' }, h('h2', { text: 'Details' }),
      h('dl', { class: 'kv', id: 'facts' }, rows.map(([k, v]) => [h('dt', { text: k }), h('dd', {}, v)])),
      h('p', { class: 'actions' }, h('a', { href: '#/new?type=train&dataset=' + d.id, text: 'Train on it' }), ' ', remove)), thumbs));
  if (!d.image) {
    put(thumbs, h('h2', { text: 'Preview' }), h('p', { class: 'muted', text: 'Tables have no thumbnails; a generate job on a model of it draws a scatter.' }));
    return;
  }
  put(thumbs, h('h2', { text: 'First images' }), h('p', { class: 'muted', text: 'Loading…' }));
  try {
    const p = await api(`/v1/datasets/${d.id}/preview`);
    put(thumbs, h('h2', { text: `First images (${p.shown} of ${p.count})` }),
      h('img', { class: 'grid', id: 'dataset-grid', src: p.grid_url, alt: `the first ${p.shown} images of dataset ${d.name}` }));
  } catch (e) { put(thumbs, h('div', { class: 'problem', text: e.message })); }
}

async function modelsView() {
  const models = await api('/v1/models');
  models.data.forEach((m) => known.models.set(m.id, m));
  const rows = models.data.map((m) => h('tr', { 'data-id': m.id },
    h('td', {}, h('a', { href: '#/jobs/' + m.training_job, title: m.id, text: m.name || 'model ' + m.id.slice(0, 8) })),
    h('td', {}, m.dataset_name ? h('a', { href: '#/datasets/' + m.dataset, title: m.dataset, text: m.dataset_name }) : m.dataset),
    h('td', { text: m.metrics && m.metrics.shape ? m.metrics.shape : m.dim }),
    h('td', { text: m.metrics ? fmtNum(m.metrics.final_loss) : '' }),
    h('td', { class: 'hide-sm', text: age(m.created_at) }),
    h('td', { class: 'actions' }, h('a', { href: '#/new?type=generate&model=' + m.id, text: 'generate' }), ' ',
      h('a', { href: '#/new?type=synthesize&model=' + m.id, text: 'synthesize' }), ' ',
      h('button', { type: 'button', class: 'secondary download', 'aria-label': 'download ' + (m.name || 'model ' + m.id.slice(0, 8)),
        onclick: () => downloadModel(m), text: 'download' }), ' ',
      confirmButton('delete-' + m.id.slice(0, 8), 'Delete', 'Delete this model?', async () => {
        try { await api('/v1/models/' + m.id, { method: 'DELETE' }); known.models.delete(m.id); toast('Model deleted'); modelsView(); } catch (e) { toast(e.message); }
      }))));
  put(main, h('h1', { text: 'Models' }), h('div', { class: 'table-wrap' }, h('table', { id: 'models' },
    h('thead', {}, h('tr', {}, ['Model', 'Dataset', 'Shape', 'Final loss', 'Trained', ''].map((t, i) => h('th', { class: i === 4 ? 'hide-sm' : null, text: t })))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: '6', class: 'muted', text: 'No models yet: a train job makes one.' }))))));
}

/** The model file, fetched with the key (a plain link cannot send it) and saved under its name. */
async function downloadModel(m) {
  try {
    const res = await fetch('/v1/models/' + m.id + '/file', { headers: { Authorization: 'Bearer ' + localStorage.getItem(KEY) } });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const url = URL.createObjectURL(await res.blob());
    const a = h('a', { href: url, download: (m.name || 'model-' + m.id.slice(0, 8)) + '.pfgm' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) { toast('Download failed: ' + e.message); }
}
