// The runs table: sortable by any column, filtered by text, several runs overlaid.
let runs = [];
let sortKey = 'modified', ascending = false;
const selected = new Set();

function render() {
  const q = document.getElementById('filter').value.trim().toLowerCase();
  const rows = runs.filter(r => !q || [r.id, r.optimizer, r.status].join(' ').toLowerCase().includes(q));
  rows.sort((a, b) => {
    const x = a[sortKey], y = b[sortKey];
    const c = (x === null) - (y === null) || (x < y ? -1 : x > y ? 1 : 0);
    return ascending ? c : -c;
  });
  const body = document.querySelector('#runs tbody');
  body.replaceChildren(...rows.map(r => {
    const tr = document.createElement('tr');
    tr.dataset.id = r.id;
    const acc = r.test_accuracy === null ? '–' : (100 * r.test_accuracy).toFixed(2) + '%';
    const num = v => v === null || v === undefined ? '–' : String(v);
    tr.innerHTML = `<td><input type="checkbox"></td><td><a></a></td><td></td><td class="num">${r.lr === null ? '–' : fmt(r.lr, 3)}</td>
      <td class="num">${num(r.batch_size)}</td><td class="num">${num(r.epochs)}</td><td class="num">${acc}</td>
      <td class="num">${r.seconds === null ? '–' : r.seconds.toFixed(1)}</td><td></td>`;
    const link = tr.querySelector('a');
    link.href = '/run.html?id=' + encodeURIComponent(r.id);
    link.textContent = r.id;
    tr.children[2].textContent = r.optimizer ?? '–';
    // Text from run files goes in as text, never as markup.
    tr.children[8].className = 'status-' + String(r.status).replace(/[^a-z_-]/gi, '');
    tr.children[8].textContent = r.status === 'unreadable' ? 'unreadable: ' + r.error : r.status;
    const box = tr.querySelector('input');
    box.checked = selected.has(r.id);
    box.addEventListener('change', () => box.checked ? selected.add(r.id) : selected.delete(r.id));
    return tr;
  }));
  document.getElementById('count').textContent = `${rows.length} of ${runs.length} runs`;
  window.descentRenderedAt = performance.now(); // for the page-load benchmark
  document.querySelectorAll('#runs th').forEach(th => {
    th.classList.toggle('sorted', th.dataset.key === sortKey);
    th.classList.toggle('asc', th.dataset.key === sortKey && ascending);
  });
}

let lossChart, accChart;
async function overlay() {
  const ids = [...selected];
  if (ids.length === 0) return;
  document.getElementById('overlay-panel').style.display = '';
  lossChart = lossChart || lineChart(document.getElementById('overlay-loss'), 'validation loss', 'loss');
  accChart = accChart || lineChart(document.getElementById('overlay-acc'), 'validation accuracy', 'accuracy');
  lossChart.data.datasets = [];
  accChart.data.datasets = [];
  for (const [i, id] of ids.entries()) {
    const val = (await getJson('/api/metrics?validation_only=true&id=' + encodeURIComponent(id))).rows;
    const color = COLORS[i % COLORS.length];
    lossChart.data.datasets.push({ label: id, data: val.map(r => ({ x: r[0], y: r[4] })), borderColor: color });
    accChart.data.datasets.push({ label: id, data: val.map(r => ({ x: r[0], y: r[5] })), borderColor: color });
  }
  lossChart.update();
  accChart.update();
  window.descentCharts = { loss: lossChart, accuracy: accChart };
}

async function loadStudies() {
  const studies = await getJson('/api/studies');
  // Serving a study directory opens its page; "/?runs" lists its trials' runs instead.
  if (studies.some(s => s.id === '.') && !new URLSearchParams(location.search).has('runs')) {
    location.replace('/study.html?id=.');
    return;
  }
  document.getElementById('studies-panel').style.display = studies.length ? '' : 'none';
  document.querySelector('#studies tbody').replaceChildren(...studies.map(s => {
    const tr = document.createElement('tr');
    const name = document.createElement('td');
    const link = document.createElement('a');
    link.href = '/study.html?id=' + encodeURIComponent(s.id);
    link.textContent = s.id;
    name.append(link);
    tr.append(name);
    if (s.unreadable) {
      const td = document.createElement('td');
      td.colSpan = 7;
      td.className = 'unreadable';
      td.textContent = 'unreadable: ' + s.unreadable;
      tr.append(td);
      return tr;
    }
    const c = s.counts;
    const best = s.objectives.length > 1 ? `front of ${s.front}` : (s.best.length ? fmt(s.best[0]) : '–');
    for (const v of [s.objectives.join(', '), c.complete + c.pruned + c.fail + c.running + c.waiting, c.complete, c.pruned, c.fail, c.running, best]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    return tr;
  }));
}

async function load() {
  try {
    runs = await getJson('/api/runs');
    render();
    await loadStudies();
  } catch (e) {
    showError(e);
  }
}

document.querySelectorAll('#runs th').forEach(th => th.addEventListener('click', () => {
  if (th.dataset.key === 'select') return;
  ascending = sortKey === th.dataset.key ? !ascending : true;
  sortKey = th.dataset.key;
  render();
}));
document.getElementById('filter').addEventListener('input', render);
document.getElementById('overlay').addEventListener('click', () => overlay().catch(showError));
load();
setInterval(load, 5000);
