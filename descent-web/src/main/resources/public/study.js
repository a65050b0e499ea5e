// One study: optimization history, importance, parallel coordinates, Pareto front, intermediate
// values (pruned trials marked), and the best trials. The data come column by column from
// /api/study; the two busiest panels are drawn on plain canvases so that thousands of trials stay fast.
const id = new URLSearchParams(location.search).get('id');
let data = null;
let objective = 0;
const charts = {};

function lower(k) { return data.directions[k] === 'minimize'; }
function value(i, k) { const v = data.trials.values[i]; return v === null ? null : v[k]; }

function drawSummary() {
  const c = data.counts;
  const objs = data.objectives.map((o, k) => `${o} (${data.directions[k] === 'maximize' ? 'max' : 'min'})`).join(', ');
  let best = '';
  if (data.objectives.length === 1 && data.best !== undefined) best = ` · best ${fmt(data.best_values[0])} (trial ${data.best})`;
  if (data.objectives.length > 1) best = ` · Pareto front of ${data.pareto.length}`;
  document.getElementById('summary').textContent =
    `${data.trials.number.length} trials: ${c.complete} complete, ${c.pruned} pruned, ${c.fail} failed, ${c.running} running` +
    (c.waiting ? `, ${c.waiting} waiting` : '') + ` · ${objs}${best}` + (data.torn_tail ? ' · (a write is in progress)' : '');
}

function chart(name, config) {
  if (charts[name]) charts[name].destroy();
  charts[name] = new Chart(document.getElementById(name), config);
  return charts[name];
}

function drawHistory() {
  const t = data.trials, k = objective;
  const done = [], pruned = [], best = [];
  let b = null;
  for (let i = 0; i < t.number.length; i++) {
    const v = value(i, k);
    if (t.state[i] === 'complete' && v !== null) {
      done.push({ x: t.number[i], y: v });
      if (b === null || (lower(k) ? v < b : v > b)) b = v;
    } else if (t.state[i] === 'pruned' && k === data.prune_objective && t.intermediate[i].length) {
      pruned.push({ x: t.number[i], y: t.intermediate[i][t.intermediate[i].length - 1][1] });
    }
    if (b !== null) best.push({ x: t.number[i], y: b });
  }
  chart('history', {
    type: 'scatter',
    data: { datasets: [
      { label: 'complete', data: done, backgroundColor: COLORS[0], pointRadius: 2 },
      { label: 'pruned (last report)', data: pruned, backgroundColor: '#bbb', pointRadius: 2 },
      { label: 'best so far', data: best, type: 'line', borderColor: COLORS[1], pointRadius: 0, borderWidth: 2 },
    ] },
    options: { animation: false, parsing: false, normalized: true, maintainAspectRatio: false,
      scales: { x: { title: { display: true, text: 'trial' } }, y: { title: { display: true, text: data.objectives[k] } } } },
  });
  return done.length;
}

function drawImportance() {
  const imp = data.importance[data.objectives[objective]] || {};
  const names = Object.keys(imp);
  chart('importance', {
    type: 'bar',
    data: { labels: names, datasets: [{ label: 'importance', data: names.map(n => imp[n]), backgroundColor: COLORS[2] }] },
    options: { indexAxis: 'y', animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } },
      scales: { x: { min: 0, max: 1, title: { display: true, text: 'share of importance' } } } },
  });
  return names.length;
}

function drawPareto() {
  const card = document.getElementById('pareto-card');
  if (data.objectives.length < 2) {
    card.style.display = 'none';
    return 0;
  }
  card.style.display = '';
  const t = data.trials, all = [], front = [];
  const onFront = new Set(data.pareto);
  for (let i = 0; i < t.number.length; i++) {
    if (t.state[i] !== 'complete' || t.values[i] === null) continue;
    const p = { x: t.values[i][0], y: t.values[i][1] };
    (onFront.has(t.number[i]) ? front : all).push(p);
  }
  front.sort((a, b) => a.x - b.x);
  chart('pareto', {
    type: 'scatter',
    data: { datasets: [
      { label: 'dominated', data: all, backgroundColor: '#9ecae1', pointRadius: 2 },
      { label: 'Pareto front', data: front, backgroundColor: COLORS[1], borderColor: COLORS[1], pointRadius: 4, showLine: true },
    ] },
    options: { animation: false, parsing: false, maintainAspectRatio: false,
      scales: { x: { title: { display: true, text: data.objectives[0] } }, y: { title: { display: true, text: data.objectives[1] } } } },
  });
  return front.length;
}

/** A canvas sized to its box in device pixels; returns its 2-D context in CSS pixels. */
function surface(id) {
  const c = document.getElementById(id);
  const w = c.clientWidth, h = c.height / (c.dataset.scale || 1);
  const r = window.devicePixelRatio || 1;
  c.width = Math.round(w * r);
  c.height = Math.round(h * r);
  c.dataset.scale = r;
  c.style.height = h + 'px';
  const g = c.getContext('2d');
  g.setTransform(r, 0, 0, r, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = '12px system-ui, sans-serif';
  return { g, w, h };
}

/** Where value v of parameter p sits on [0, 1]: log axes for log ranges, one slot per choice. */
function scaler(p, column) {
  if (p.type === 'categorical') return v => (p.choices.length === 1 ? 0.5 : v / (p.choices.length - 1));
  let lo = p.low, hi = p.high;
  if (p.log) { lo = Math.log(lo); hi = Math.log(hi); }
  const span = hi - lo || 1;
  return p.log ? v => (Math.log(v) - lo) / span : v => (v - lo) / span;
}

function varies(column) {
  let first;
  for (const v of column) {
    if (v === null) continue;
    if (first === undefined) first = v; else if (v !== first) return true;
  }
  return false;
}

function drawParallel() {
  const { g, w, h } = surface('parallel');
  const t = data.trials, k = objective;
  const axes = data.params.filter(p => varies(t.params[p.name]));
  const rows = [];
  let vmin = Infinity, vmax = -Infinity;
  for (let i = 0; i < t.number.length; i++) {
    const v = value(i, k);
    if (t.state[i] !== 'complete' || v === null) continue;
    rows.push(i);
    vmin = Math.min(vmin, v);
    vmax = Math.max(vmax, v);
  }
  const n = axes.length + 1, left = 70, right = 70, top = 30, bottom = 30;
  const x = a => left + (n === 1 ? 0 : a * (w - left - right) / (n - 1));
  const y = u => top + (1 - u) * (h - top - bottom);
  const scales = axes.map(p => scaler(p));
  const span = vmax - vmin || 1;
  const good = v => (lower(k) ? (vmax - v) : (v - vmin)) / span; // 1 for the best trial
  rows.sort((a, b) => good(value(a, k)) - good(value(b, k))); // the best drawn last, on top
  g.lineWidth = 1;
  for (const i of rows) {
    const q = good(value(i, k));
    g.strokeStyle = `hsla(${215 - 15 * q}, ${30 + 50 * q}%, ${88 - 63 * q}%, ${0.15 + 0.75 * q * q})`;
    g.beginPath();
    let pen = false;
    for (let a = 0; a < axes.length; a++) {
      const v = t.params[axes[a].name][i];
      if (v === null) { pen = false; continue; }
      const px = x(a), py = y(scales[a](v));
      if (pen) g.lineTo(px, py); else g.moveTo(px, py);
      pen = true;
    }
    const py = y((value(i, k) - vmin) / span);
    if (pen) g.lineTo(x(axes.length), py); else g.moveTo(x(axes.length), py);
    g.stroke();
  }
  g.strokeStyle = '#333';
  g.fillStyle = '#222';
  g.textAlign = 'center';
  const labels = [...axes.map(p => p.name + (p.log ? ' (log)' : '')), data.objectives[k]];
  for (let a = 0; a < n; a++) {
    g.beginPath();
    g.moveTo(x(a), y(0));
    g.lineTo(x(a), y(1));
    g.stroke();
    g.fillText(labels[a], x(a), top - 12);
    if (a < axes.length && axes[a].type === 'categorical') {
      g.textAlign = 'left';
      axes[a].choices.forEach((c, j) => g.fillText(c, x(a) + 5, y(scales[a](j)) + 4));
      g.textAlign = 'center';
    } else {
      const lo = a < axes.length ? axes[a].low : vmin, hi = a < axes.length ? axes[a].high : vmax;
      g.fillText(fmt(hi, 3), x(a), y(1) - 0);
      g.fillText(fmt(lo, 3), x(a), y(0) + 14);
    }
  }
  return { lines: rows.length, axes: labels };
}

function drawIntermediate() {
  const { g, w, h } = surface('intermediate');
  const t = data.trials;
  let smax = 1, vmin = Infinity, vmax = -Infinity;
  for (const curve of t.intermediate) {
    for (const [s, v] of curve) {
      if (v === null) continue;
      smax = Math.max(smax, s);
      vmin = Math.min(vmin, v);
      vmax = Math.max(vmax, v);
    }
  }
  const left = 50, right = 10, top = 10, bottom = 30;
  if (vmin > vmax) { vmin = 0; vmax = 1; }
  const span = vmax - vmin || 1;
  const x = s => left + (smax <= 1 ? 0 : (s - 1) * (w - left - right) / (smax - 1));
  const y = v => top + (1 - (v - vmin) / span) * (h - top - bottom);
  const order = ['fail', 'running', 'waiting', 'complete', 'pruned'];
  let pruned = 0, curves = 0;
  for (const state of order) {
    g.strokeStyle = state === 'complete' ? 'rgba(31,119,180,0.35)' : state === 'pruned' ? 'rgba(214,39,40,0.55)' : 'rgba(150,150,150,0.4)';
    g.setLineDash(state === 'pruned' ? [4, 3] : []);
    for (let i = 0; i < t.number.length; i++) {
      const curve = t.intermediate[i];
      if (t.state[i] !== state || curve.length === 0) continue;
      g.beginPath();
      let pen = false;
      for (const [s, v] of curve) {
        if (v === null) { pen = false; continue; }
        if (pen) g.lineTo(x(s), y(v)); else g.moveTo(x(s), y(v));
        pen = true;
      }
      g.stroke();
      curves++;
      if (state === 'pruned') {
        pruned++;
        const [s, v] = curve[curve.length - 1];
        if (v !== null) {
          g.setLineDash([]);
          g.beginPath();
          g.moveTo(x(s) - 3, y(v) - 3); g.lineTo(x(s) + 3, y(v) + 3);
          g.moveTo(x(s) - 3, y(v) + 3); g.lineTo(x(s) + 3, y(v) - 3);
          g.stroke();
          g.setLineDash([4, 3]);
        }
      }
    }
  }
  g.setLineDash([]);
  g.strokeStyle = '#333';
  g.fillStyle = '#222';
  g.beginPath();
  g.moveTo(left, top); g.lineTo(left, h - bottom); g.lineTo(w - right, h - bottom);
  g.stroke();
  g.textAlign = 'right';
  g.fillText(fmt(vmax, 3), left - 4, top + 8);
  g.fillText(fmt(vmin, 3), left - 4, h - bottom);
  g.textAlign = 'center';
  g.fillText(`step (${data.objectives[data.prune_objective]} reported)`, (left + w - right) / 2, h - 8);
  return { curves, pruned };
}

function drawBest() {
  const t = data.trials, k = objective;
  const idx = [];
  for (let i = 0; i < t.number.length; i++) if (t.state[i] === 'complete' && value(i, k) !== null) idx.push(i);
  idx.sort((a, b) => (lower(k) ? value(a, k) - value(b, k) : value(b, k) - value(a, k)));
  const shown = idx.slice(0, 15);
  document.getElementById('top-title').textContent = `Best trials by ${data.objectives[k]}`;
  const head = document.querySelector('#top thead');
  const names = data.params.map(p => p.name);
  head.innerHTML = '';
  const hr = document.createElement('tr');
  for (const c of ['trial', ...data.objectives, ...names]) {
    const th = document.createElement('th');
    th.textContent = c;
    hr.append(th);
  }
  head.append(hr);
  document.querySelector('#top tbody').replaceChildren(...shown.map(i => {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    if (data.runs) {
      const a = document.createElement('a');
      a.href = '/run.html?id=' + encodeURIComponent(data.trials_prefix + String(t.number[i]).padStart(4, '0'));
      a.textContent = t.number[i];
      td.append(a);
    } else {
      td.textContent = t.number[i];
    }
    tr.append(td);
    for (const v of t.values[i]) {
      const c = document.createElement('td');
      c.className = 'num';
      c.textContent = fmt(v);
      tr.append(c);
    }
    for (const p of data.params) {
      const c = document.createElement('td');
      const v = t.params[p.name][i];
      c.textContent = v === null ? '' : p.type === 'categorical' ? p.choices[v] : fmt(v);
      tr.append(c);
    }
    return tr;
  }));
  return shown.length;
}

function render() {
  drawSummary();
  const drawn = { historyPoints: drawHistory(), importanceBars: drawImportance(), paretoPoints: drawPareto(), best: drawBest() };
  Object.assign(drawn, drawParallel(), drawIntermediate());
  window.descentStudy = drawn;
  window.descentStudyRenderedAt = performance.now();
}

async function load() {
  try {
    data = await getJson('/api/study?id=' + encodeURIComponent(id));
    document.getElementById('title').textContent = 'study ' + (id === '.' ? '(this directory)' : id);
    document.title = 'Descent — study ' + id;
    const sel = document.getElementById('objective');
    if (sel.options.length !== data.objectives.length) {
      sel.replaceChildren(...data.objectives.map((o, k) => new Option(o, k)));
      sel.value = objective;
    }
    document.getElementById('objective-label').style.display = data.objectives.length > 1 ? '' : 'none';
    render();
  } catch (e) {
    showError(e);
  }
}

document.getElementById('objective').addEventListener('change', e => { objective = Number(e.target.value); render(); });
window.addEventListener('resize', () => { if (data) { drawParallel(); drawIntermediate(); } });
load();
setInterval(() => { if (data && data.counts.running + data.counts.waiting > 0) load(); }, 5000);
