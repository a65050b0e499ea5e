// The optimizer playground: the server runs the library's optimizers on a 2-D function; this page
// draws the function's level sets and the paths, and asks again whenever a control moves.
const NAMES = ['gd', 'momentum', 'nesterov', 'rmsprop', 'adagrad', 'adam', 'adamw', 'lion', 'schedule-free-sgd', 'schedule-free-adamw', 'adafactor'];
const DEFAULTS = [
  { on: true, name: 'gd', lr: 0.1, momentum: 0.9 },
  { on: true, name: 'momentum', lr: 0.05, momentum: 0.9 },
  { on: true, name: 'adam', lr: 0.3, momentum: 0.9 },
  { on: false, name: 'rmsprop', lr: 0.05, momentum: 0.9 },
];
const state = { start: null, seq: 0, drawn: 0 };
window.descentPlayground = state;

function buildRows() {
  const box = document.getElementById('optimizers');
  DEFAULTS.forEach((d, i) => {
    const row = document.createElement('div');
    row.className = 'optrow';
    row.innerHTML = `<span class="swatch" style="background:${COLORS[i]}"></span>
      <input type="checkbox" class="on"> <select class="name">${NAMES.map(n => `<option>${n}</option>`).join('')}</select>
      <label>lr <input type="range" class="lr" min="-4" max="0.7" step="0.05"> <span class="lr-value"></span></label>
      <label class="mom">momentum / β₁ <input type="range" class="momentum" min="0" max="0.99" step="0.01"> <span class="m-value"></span></label>
      <span class="result"></span>`;
    row.querySelector('.on').checked = d.on;
    row.querySelector('.name').value = d.name;
    row.querySelector('.lr').value = Math.log10(d.lr);
    row.querySelector('.momentum').value = d.momentum;
    row.querySelectorAll('input, select').forEach(el => el.addEventListener('input', schedule));
    box.append(row);
  });
}

function query() {
  const p = new URLSearchParams();
  p.set('fn', document.getElementById('fn').value);
  p.set('kappa', Math.pow(10, +document.getElementById('kappa').value).toFixed(3));
  p.set('steps', document.getElementById('steps').value);
  if (state.start) {
    p.set('x0', state.start[0]);
    p.set('y0', state.start[1]);
  }
  const rows = [...document.querySelectorAll('.optrow')];
  rows.forEach(row => {
    const lr = Math.pow(10, +row.querySelector('.lr').value);
    const m = +row.querySelector('.momentum').value;
    const name = row.querySelector('.name').value;
    row.querySelector('.lr-value').textContent = fmt(lr, 3);
    row.querySelector('.m-value').textContent = m.toFixed(2);
    if (!row.querySelector('.on').checked) return;
    const knob = ['adam', 'adamw', 'lion', 'schedule-free-adamw'].includes(name) ? `beta1=${m}` : name === 'rmsprop' ? `alpha=${Math.max(m, 0.5)}` : `momentum=${m}`;
    p.append('opt', `${name}:lr=${lr},${knob}`);
  });
  document.getElementById('kappa-value').textContent = Math.pow(10, +document.getElementById('kappa').value).toFixed(1);
  document.getElementById('steps-value').textContent = document.getElementById('steps').value;
  document.getElementById('kappa-label').style.display = document.getElementById('fn').value === 'quadratic' ? '' : 'none';
  return p;
}

let timer = null;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(() => refresh().catch(showError), 30);
}

async function refresh() {
  const p = query();
  if (!p.getAll('opt').length) return;
  const seq = ++state.seq;
  const r = await getJson('/api/playground?' + p.toString());
  if (seq !== state.seq) return; // a newer request is on its way
  document.getElementById('error').textContent = '';
  draw(r);
  state.last = r;
  state.drawn++;
}

function color(t) {
  // A perceptual ramp from dark blue (low) to yellow (high).
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const s = Math.min(stops.length - 1.0001, t * (stops.length - 1));
  const i = Math.floor(s), f = s - i;
  return stops[i].map((c, k) => Math.round(c + f * (stops[i + 1][k] - c)));
}

function draw(r) {
  const cv = document.getElementById('map');
  const g = cv.getContext('2d');
  const [x0, x1, y0, y1] = r.window;
  const n = r.z.length, m = r.z[0].length;
  let lo = Infinity, hi = -Infinity;
  const t = r.z.map(row => row.map(v => {
    const u = Math.log(Math.max(v - r.f_min, 0) + 1e-3);
    lo = Math.min(lo, u); hi = Math.max(hi, u);
    return u;
  }));
  const bands = 16; // banded colours draw the level sets
  const cw = cv.width / m, ch = cv.height / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const b = Math.floor(((t[i][j] - lo) / (hi - lo || 1)) * bands) / bands;
      const [cr, cg, cb] = color(b);
      g.fillStyle = `rgb(${cr},${cg},${cb})`;
      g.fillRect(j * cw, cv.height - (i + 1) * ch, cw + 1, ch + 1);
    }
  }
  const px = x => ((x - x0) / (x1 - x0)) * cv.width;
  const py = y => cv.height - ((y - y0) / (y1 - y0)) * cv.height;
  const rows = [...document.querySelectorAll('.optrow')];
  let k = 0;
  rows.forEach((row, i) => {
    row.querySelector('.result').textContent = '';
    if (!row.querySelector('.on').checked) return;
    const tr = r.trajectories[k++];
    g.strokeStyle = 'white';
    g.lineWidth = 4;
    const path = () => {
      g.beginPath();
      tr.x.forEach((x, s) => (s ? g.lineTo(px(x), py(tr.y[s])) : g.moveTo(px(x), py(tr.y[s]))));
    };
    path(); g.stroke();
    g.strokeStyle = COLORS[i];
    g.lineWidth = 2;
    path(); g.stroke();
    const last = tr.x.length - 1;
    g.fillStyle = COLORS[i];
    g.beginPath(); g.arc(px(tr.x[last]), py(tr.y[last]), 4, 0, 2 * Math.PI); g.fill();
    row.querySelector('.result').textContent = tr.diverged ? 'diverged' : `final loss ${fmt(tr.final_loss, 3)}`;
  });
}

document.getElementById('map').addEventListener('click', ev => {
  const cv = ev.target, rect = cv.getBoundingClientRect();
  const [x0, x1, y0, y1] = state.last.window;
  state.start = [x0 + ((ev.clientX - rect.left) / rect.width) * (x1 - x0), y1 - ((ev.clientY - rect.top) / rect.height) * (y1 - y0)];
  schedule();
});
['fn', 'kappa', 'steps'].forEach(idName => document.getElementById(idName).addEventListener('input', () => {
  if (idName === 'fn') state.start = null;
  schedule();
}));
buildRows();
refresh().catch(showError);
