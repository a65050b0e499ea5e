// Shared helpers of the dashboard pages.
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

async function getJson(url) {
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function fmt(v, digits = 4) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (typeof v !== 'number') return String(v);
  return Math.abs(v) >= 1e-3 || v === 0 ? Number(v.toPrecision(digits)).toString() : v.toExponential(2);
}

function showError(e) {
  const el = document.getElementById('error');
  if (el) el.textContent = e.message || String(e);
}

function lineChart(canvas, title, yLabel) {
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false, parsing: false, normalized: true, spanGaps: true,
      // Chart.js's min-max decimation: a line longer than four points a pixel column is drawn from each
      // column's first, last, lowest and highest points (a batch-1 run has 50,000 steps an epoch).
      plugins: { title: { display: true, text: title }, decimation: { enabled: true, algorithm: 'min-max' } },
      scales: { x: { type: 'linear', title: { display: true, text: 'iteration' } }, y: { title: { display: true, text: yLabel } } },
      elements: { point: { radius: 0 } },
    },
  });
}
