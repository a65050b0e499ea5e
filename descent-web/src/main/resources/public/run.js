// One run: the tutorial's loss and accuracy curves (train and validation), updated live while the run
// is being written, its sharpness against 2/lr when it tracked it (train --track-sharpness), its
// configuration, and the per-class report of its test evaluation.
const id = new URLSearchParams(location.search).get('id');
const loss = lineChart(document.getElementById('loss'), 'loss', 'loss');
const acc = lineChart(document.getElementById('accuracy'), 'accuracy', 'accuracy');
// The points drawn, kept here and appended to: once a line is long enough for Chart.js to decimate it,
// its dataset's `data` reads the thinned copy, and these arrays stay the source it thins. A long run's
// rows so far come thinned by the server to the chart's columns (M4: each column's first, last, lowest
// and highest point, every validation row): 234 KB for 100,000 steps instead of 3.85 MB; the rows
// written after that come whole.
const FIRST_POINTS = 1280;
const points = { lossTrain: [], lossVal: [], accTrain: [], accVal: [], sharpness: [], twoOverLr: [] };
loss.data.datasets = [
  { label: 'train', data: points.lossTrain, borderColor: COLORS[0], borderWidth: 1 },
  { label: 'validation', data: points.lossVal, borderColor: COLORS[1], pointRadius: 2 },
];
acc.data.datasets = [
  { label: 'train', data: points.accTrain, borderColor: COLORS[0], borderWidth: 1 },
  { label: 'validation', data: points.accVal, borderColor: COLORS[1], pointRadius: 2 },
];
// Logarithmic: with Adam's small learning rates 2/lr sits orders of magnitude above the sharpness.
const sharp = lineChart(document.getElementById('sharpness'), 'sharpness (top Hessian eigenvalue)', 'λ_max (log scale)');
sharp.options.scales.y.type = 'logarithmic';
sharp.data.datasets = [
  { label: 'sharpness', data: points.sharpness, borderColor: COLORS[2], pointRadius: 2 },
  { label: '2/lr', data: points.twoOverLr, borderColor: COLORS[3], borderDash: [6, 4], borderWidth: 1 },
];
window.descentCharts = { loss, accuracy: acc, sharpness: sharp, points };
let seen = 0;
let reported = false;
// One poll at a time: a poll still waiting when the next second comes would ask from the same row and
// add its rows twice (a long run's first answer can take longer than the interval).
let polling = false;

function table(el, obj) {
  el.replaceChildren(...Object.entries(obj || {})
    .filter(([, v]) => typeof v !== 'object' || v === null || (Array.isArray(v) && v.length <= 12 && !v.some(x => typeof x === 'object')))
    .map(([k, v]) => {
      const tr = document.createElement('tr');
      const th = document.createElement('td');
      th.textContent = k;
      const td = document.createElement('td');
      td.textContent = Array.isArray(v) ? v.join(', ') : typeof v === 'number' ? fmt(v, 6) : String(v);
      tr.append(th, td);
      return tr;
    }));
}

async function poll() {
  const m = await getJson(`/api/metrics?id=${encodeURIComponent(id)}&since=${seen}` + (seen === 0 ? `&points=${FIRST_POINTS}` : ''));
  const sc = m.columns.indexOf('sharpness'), tc = m.columns.indexOf('two_over_lr');
  for (const r of m.rows) {
    points.lossTrain.push({ x: r[0], y: r[2] });
    points.accTrain.push({ x: r[0], y: r[3] });
    if (r[4] !== null) {
      points.lossVal.push({ x: r[0], y: r[4] });
      points.accVal.push({ x: r[0], y: r[5] });
    }
    if (sc >= 0 && r[sc] !== null) {
      points.sharpness.push({ x: r[0], y: r[sc] });
      if (tc >= 0 && r[tc] !== null) points.twoOverLr.push({ x: r[0], y: r[tc] });
    }
  }
  seen = m.total;
  if (m.rows.length) {
    loss.update();
    acc.update();
  }
  if (sc >= 0) {
    document.getElementById('sharpness-card').hidden = false;
    if (m.rows.length) sharp.update();
  }
  document.getElementById('status').textContent = m.status;
  document.getElementById('status').className = 'status-' + String(m.status).replace(/[^a-z_-]/gi, '');
  document.getElementById('points').textContent = `${seen} steps`;
  if (m.status !== 'running' && !reported) {
    reported = true;
    await loadRun();
  }
  if (m.status === 'running') reported = false;
}

async function loadRun() {
  const r = await getJson('/api/run?id=' + encodeURIComponent(id));
  document.getElementById('title').textContent = r.id;
  if (r.status === 'unreadable') throw new Error('this run cannot be read: ' + r.error);
  table(document.getElementById('config'), r.config);
  table(document.getElementById('summary'), r.summary);
  if (!r.summary) return;
  const rep = await getJson('/api/report?id=' + encodeURIComponent(id));
  const pc = rep.per_class_accuracy;
  if (!window.descentCharts.perClass) {
    window.descentCharts.perClass = new Chart(document.getElementById('per-class'), {
      type: 'bar',
      data: { labels: pc.map((_, i) => String(i)), datasets: [{ label: 'accuracy', data: pc, backgroundColor: COLORS[0] }] },
      options: { animation: false, scales: { y: { min: Math.max(0, Math.min(...pc) - 0.05), max: 1 } } },
    });
  }
  const cm = rep.confusion;
  const max = Math.max(...cm.flat());
  const t = document.getElementById('confusion');
  const head = document.createElement('tr');
  head.append(document.createElement('th'), ...cm.map((_, j) => { const th = document.createElement('th'); th.textContent = j; return th; }));
  t.replaceChildren(head, ...cm.map((row, i) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = i;
    tr.append(th, ...row.map(v => {
      const td = document.createElement('td');
      td.className = 'num';
      td.textContent = v;
      const a = max ? Math.sqrt(v / max) : 0; // square root: off-diagonal mistakes stay visible
      td.style.background = `rgba(31,119,180,${a.toFixed(3)})`;
      td.style.color = a > 0.6 ? 'white' : '#222';
      return td;
    }));
    return tr;
  }));
}

if (!id) {
  showError(new Error('no run id in the address'));
} else {
  loadRun().catch(showError);
  const tick = () => {
    if (polling) return;
    polling = true;
    poll().catch(showError).finally(() => { polling = false; });
  };
  tick();
  setInterval(tick, 1000);
}
