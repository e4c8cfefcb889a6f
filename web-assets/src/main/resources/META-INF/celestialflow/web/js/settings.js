// Settings kept in the browser (localStorage): update interval, page size, theme, language.

const KEY = 'celestialflow.settings';
const DEFAULTS = { interval: 500, pageSize: 50, theme: 'dark', lang: 'en' };

export function loadSettings() {
  let saved = {};
  try { saved = JSON.parse(localStorage.getItem(KEY) || '{}') || {}; } catch (e) { saved = {}; }
  const s = { ...DEFAULTS, ...saved };
  s.interval = clamp(Number(s.interval) || DEFAULTS.interval, 100, 60000);
  s.pageSize = clamp(Number(s.pageSize) || DEFAULTS.pageSize, 5, 500);
  s.theme = s.theme === 'light' ? 'light' : 'dark';
  s.lang = s.lang === 'zh' ? 'zh' : 'en';
  return s;
}

export function saveSettings(s) {
  localStorage.setItem(KEY, JSON.stringify(s));
}

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, Math.round(v)));
}

/** The card order saved for a graph, or null. */
export function loadOrder(graph) {
  try { return JSON.parse(localStorage.getItem('celestialflow.order.' + graph) || 'null'); } catch (e) { return null; }
}

export function saveOrder(graph, order) {
  localStorage.setItem('celestialflow.order.' + graph, JSON.stringify(order));
}
