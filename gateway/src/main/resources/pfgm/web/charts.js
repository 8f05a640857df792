'use strict';
// charts.js: the SVG charts (loss, scatter, histograms).

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
  const a = Math.abs(v);
  return a >= 1e6 || (a < 1e-4 && v !== 0) ? v.toExponential(2) : String(+v.toPrecision(4));
}

/** About {@code n} (at least 3) round values spanning [lo, hi], 1, 2 or 5 times a power of ten apart. */
function niceTicks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((v) => v >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  // a step rounded up can leave two ticks in a range that is not a round multiple of it
  return out.length < 3 && n < 20 ? niceTicks(lo, hi, 2 * n) : out;
}

/** Ticks of a log axis over [lo, hi] (both > 0): 1, 2 and 5 times powers of ten, or the powers alone when many. */
function logTicks(lo, hi) {
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) { const v = m * Math.pow(10, e); if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(+v.toPrecision(12)); }
  }
  if (out.length > 9) return out.filter((v) => Number.isInteger(Math.round(Math.log10(v) * 1e9) / 1e9));
  // within one decade: round values on the log scale
  return out.length >= 3 ? out : niceTicks(lo, hi, 4).filter((v) => v > 0);
}

/**
 * A line over (xs, ys) with ticked axes and a readout under the pointer; {@code opts.log} puts y on a
 * log scale (when every y is positive), {@code opts.xLabel} and {@code opts.yLabel} name the axes.
 */
function lineChart(xs, ys, label, opts = {}) {
  const w = 560, hgt = 270, padL = 58, padR = 14, padT = 12, padB = 34;
  if (!xs.length) return h('p', { class: 'muted', text: 'No points yet.' });
  const log = !!opts.log && ys.every((y) => y > 0);
  const ty = (y) => (log ? Math.log10(y) : y);
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
  const sx = (x) => padL + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (w - padL - padR);
  const sy = (y) => padT + (1 - (ty(y1) === ty(y0) ? 0.5 : (ty(y) - ty(y0)) / (ty(y1) - ty(y0)))) * (hgt - padT - padB);
  const yTicks = (log ? logTicks(y0, y1) : niceTicks(y0, y1)).filter((v) => v >= y0 && v <= y1);
  const xTicks = niceTicks(x0, x1, 6).filter((v) => v >= x0 && v <= x1);
  const axis = s('g', { class: 'ticks', 'font-size': '10', fill: 'currentColor' },
    yTicks.map((v) => s('g', { class: 'ytick' }, s('line', { x1: padL, x2: w - padR, y1: sy(v).toFixed(1), y2: sy(v).toFixed(1), stroke: 'currentColor', 'stroke-opacity': '0.15' }),
      s('text', { x: padL - 4, y: (sy(v) + 3).toFixed(1), 'text-anchor': 'end' }, fmtNum(v)))),
    xTicks.map((v) => s('g', { class: 'xtick' }, s('line', { x1: sx(v).toFixed(1), x2: sx(v).toFixed(1), y1: hgt - padB, y2: hgt - padB + 4, stroke: 'currentColor' }),
      s('text', { x: sx(v).toFixed(1), y: hgt - padB + 15, 'text-anchor': 'middle' }, fmtNum(v)))),
    s('line', { x1: padL, y1: hgt - padB, x2: w - padR, y2: hgt - padB, stroke: 'currentColor', 'stroke-opacity': '0.4' }),
    s('line', { x1: padL, y1: padT, x2: padL, y2: hgt - padB, stroke: 'currentColor', 'stroke-opacity': '0.4' }),
    opts.xLabel ? s('text', { x: (padL + w - padR) / 2, y: hgt - 3, 'text-anchor': 'middle' }, opts.xLabel) : null,
    opts.yLabel ? s('text', { x: 12, y: (padT + hgt - padB) / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${(padT + hgt - padB) / 2})` },
      opts.yLabel + (log ? ' (log scale)' : '')) : null);
  const d = xs.map((x, i) => (i ? 'L' : 'M') + sx(x).toFixed(1) + ' ' + sy(ys[i]).toFixed(1)).join(' ');
  const dot = s('circle', { id: 'hover-dot', r: '4', fill: '#3b5bdb', visibility: 'hidden' });
  const readout = s('text', { id: 'hover-label', x: w - padR, y: padT + 10, 'text-anchor': 'end', 'font-size': '11', fill: 'currentColor' }, '');
  const svg = s('svg', { class: 'chart line-chart', viewBox: `0 0 ${w} ${hgt}`, role: 'img', 'aria-label': label + (log ? ', log scale' : ''),
    'data-points': xs.length, 'data-scale': log ? 'log' : 'linear' },
  axis, s('path', { d, fill: 'none', stroke: '#3b5bdb', 'stroke-width': '1.6', class: 'series' }), dot, readout);
  // the readout follows the pointer: the point nearest in x
  svg.addEventListener('mousemove', (e) => {
    const m = svg.getScreenCTM();
    if (!m) return;
    const px = (e.clientX - m.e) / m.a;
    const x = x0 + ((px - padL) / (w - padL - padR)) * (x1 - x0);
    let lo = 0, hi = xs.length - 1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (xs[mid] < x) lo = mid; else hi = mid; }
    const i = Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
    dot.setAttribute('cx', sx(xs[i]).toFixed(1));
    dot.setAttribute('cy', sy(ys[i]).toFixed(1));
    dot.setAttribute('visibility', 'visible');
    readout.textContent = (opts.xLabel || 'x') + ' ' + fmtNum(xs[i]) + ': ' + (opts.yLabel || 'y') + ' ' + fmtNum(+ys[i].toPrecision(4));
  });
  svg.addEventListener('mouseleave', () => { dot.setAttribute('visibility', 'hidden'); readout.textContent = ''; });
  return svg;
}

/** The loss curve with a log-scale switch (on by default: a loss falls over decades). */
function lossChart(steps, loss, state) {
  const box = h('div', { class: 'loss-chart' });
  const draw = () => put(box, h('label', { class: 'inline' }, h('input', { type: 'checkbox', id: 'log-scale', checked: state.log,
    onchange: (e) => { state.log = e.target.checked; draw(); } }), ' log scale'),
  lineChart(steps, loss, 'training loss', { log: state.log, xLabel: 'step', yLabel: 'loss' }));
  draw();
  return box;
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

