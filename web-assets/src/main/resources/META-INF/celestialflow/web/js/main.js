// The page: the list of runs, the selected run's live stream (Server-Sent Events) and the views
// that show it. No framework, no build step.
import { el, setText, num, time, setLocale, throttle, toast } from './util.js';
import { t, setLanguage, language } from './i18n.js';
import { loadSettings, saveSettings } from './settings.js';
import { api } from './api.js';
import { Cards } from './cards.js';
import { Topology } from './topology.js';
import { Charts } from './charts.js';
import { ErrorLog } from './errors.js';
import { Injector } from './inject.js';

const state = { settings: loadSettings(), runId: null, view: null, topology: null, source: null, runs: [] };

const conn = document.getElementById('conn');
const updateTimes = [];
window.celestialflowUpdateTimes = updateTimes;
const injector = new Injector();
const cards = new Cards(document.getElementById('summary'), document.getElementById('cards'), {
  cancel: async () => {
    if (!confirm(t('summary.confirmCancel'))) return;
    act(() => api.cancel(state.runId));
  },
  closeInputs: () => act(() => api.closeInputs(state.runId)),
});
const topology = new Topology(document.getElementById('topology'), document.getElementById('topology-legend'));
const charts = new Charts();
const errors = new ErrorLog(() => state.settings, (stage, json) => injector.prefill(stage, json));
const drawCharts = throttle(() => { if (activeTab() === 'charts') charts.draw(); }, 1000);

async function act(call) {
  try {
    toast((await call()).message, 'ok');
  } catch (e) {
    toast(e.message, 'bad');
  }
}

function applyTheme() {
  document.documentElement.dataset.theme = state.settings.theme;
  if (state.topology) topology.renderLegend();
  drawCharts();
}

function applyLanguage() {
  setLanguage(state.settings.lang);
  setLocale(state.settings.lang);
  document.getElementById('lang-toggle').textContent = language() === 'zh' ? 'EN' : 'ZH';
  if (state.view) {
    cards.update(state.view);
    topology.renderLegend();
  }
  renderRuns();
}

function activeTab() {
  const tab = document.querySelector('.tab.active');
  return tab ? tab.dataset.tab : 'overview';
}

function showTab(name) {
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('active', b.dataset.tab === name);
  for (const p of document.querySelectorAll('.tab-panel')) p.classList.toggle('active', p.id === 'tab-' + name);
  if (name === 'charts') charts.draw();
  if (name === 'errors') errors.load();
}

function renderRuns() {
  const list = document.getElementById('runs');
  document.getElementById('runs-empty').hidden = state.runs.length > 0;
  list.replaceChildren(...state.runs.map((r) => el('li', {
    class: r.runId === state.runId ? 'selected' : '', dataset: { run: r.runId }, title: r.runId,
    onclick: () => selectRun(r.runId),
  },
  el('div', { class: 'graph', text: r.graph }),
  el('div', { class: 'meta' }, el('span', { text: t('state.' + r.state) }),
    el('span', { text: Math.round(r.progress * 100) + '%' }),
    el('span', { text: num(r.failureCount) + ' ✗' })),
  el('div', { class: 'meta' }, el('span', { text: time(r.startedAt).slice(5, 19) }), el('span', { text: r.origin })))));
}

async function refreshRuns() {
  try {
    state.runs = await api.runs();
    renderRuns();
    if (!state.runId && state.runs.length) {
      const wanted = new URLSearchParams(location.hash.slice(1)).get('run');
      selectRun(state.runs.some((r) => r.runId === wanted) ? wanted : state.runs[0].runId);
    }
  } catch (e) {
    conn.className = 'conn down';
  }
}

async function selectRun(runId) {
  if (state.source) state.source.close();
  state.source = null;
  state.runId = runId;
  history.replaceState(null, '', '#run=' + encodeURIComponent(runId));
  renderRuns();
  try {
    const [view, topo, hist] = await Promise.all([api.run(runId), api.topology(runId), api.history(runId)]);
    if (state.runId !== runId) return;
    state.view = view;
    state.topology = topo;
    setText(document.getElementById('run-title'), `${view.graph} · ${view.runId}`);
    cards.setRun(view);
    topology.render(topo);
    topology.update(view);
    charts.reset(hist);
    drawCharts();
    errors.setRun(view);
    injector.setRun(view, topo);
    connect(runId, view);
  } catch (e) {
    toast(e.message, 'bad');
  }
}

function connect(runId, view) {
  if (view.state !== 'RUNNING' && view.state !== 'LOST') {
    conn.className = 'conn';
    return;
  }
  const source = api.events(runId, state.settings.interval);
  state.source = source;
  let pending = null;
  const apply = () => {
    const v = pending;
    pending = null;
    if (!v || state.runId !== runId) return;
    const started = performance.now();
    state.view = v;
    cards.update(v);
    topology.update(v);
    charts.add(v);
    drawCharts();
    const r = state.runs.find((x) => x.runId === runId);
    if (r && (r.state !== v.state || r.failureCount !== v.failureCount || Math.abs(r.progress - v.totals.progress) > 0.01)) {
      Object.assign(r, { state: v.state, progress: v.totals.progress, failureCount: v.failureCount });
      renderRuns();
    }
    updateTimes.push(performance.now() - started); // how long the page's work per update takes
    if (updateTimes.length > 100) updateTimes.shift();
  };
  const onStatus = (e) => {
    if (!pending) requestAnimationFrame(apply);
    pending = JSON.parse(e.data);
  };
  source.onopen = () => { conn.className = 'conn live'; };
  source.onerror = () => { conn.className = 'conn down'; };
  source.addEventListener('status', onStatus);
  source.addEventListener('failures', () => errors.refresh());
  source.addEventListener('notice', (e) => toast(JSON.parse(e.data).message));
  source.addEventListener('end', (e) => {
    onStatus(e);
    source.close();
    conn.className = 'conn';
    errors.refresh();
    refreshRuns();
  });
}

function openSettings() {
  const dialog = document.getElementById('settings');
  const f = document.getElementById('settings-form').elements;
  f.interval.value = state.settings.interval;
  f.pageSize.value = state.settings.pageSize;
  f.theme.value = state.settings.theme;
  f.lang.value = state.settings.lang;
  dialog.showModal();
}

function closeSettings(e) {
  const dialog = document.getElementById('settings');
  if (dialog.returnValue !== 'save') return;
  const f = document.getElementById('settings-form').elements;
  const before = state.settings.interval;
  state.settings = { ...state.settings, interval: Number(f.interval.value), pageSize: Number(f.pageSize.value),
    theme: f.theme.value, lang: f.lang.value };
  saveSettings(state.settings);
  state.settings = loadSettings();
  applyTheme();
  applyLanguage();
  if (state.settings.interval !== before && state.runId) selectRun(state.runId);
  void e;
}

function init() {
  if (new URLSearchParams(location.search).has('token')) {
    history.replaceState(null, '', location.pathname + location.hash); // the cookie holds it now
  }
  applyTheme();
  applyLanguage();
  for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => showTab(b.dataset.tab));
  document.getElementById('theme-toggle').addEventListener('click', () => {
    state.settings.theme = state.settings.theme === 'dark' ? 'light' : 'dark';
    saveSettings(state.settings);
    applyTheme();
  });
  document.getElementById('lang-toggle').addEventListener('click', () => {
    state.settings.lang = state.settings.lang === 'zh' ? 'en' : 'zh';
    saveSettings(state.settings);
    applyLanguage();
  });
  document.getElementById('settings-open').addEventListener('click', openSettings);
  document.getElementById('settings').addEventListener('close', closeSettings);
  window.addEventListener('resize', throttle(() => drawCharts(), 300));
  refreshRuns();
  setInterval(refreshRuns, Math.max(2000, state.settings.interval * 4));
  document.body.dataset.ready = 'true';
}

init();
