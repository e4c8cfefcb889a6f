// Small DOM and formatting helpers. Every string from the server goes through textContent:
// nothing here ever parses server data as HTML.

/** Creates an element with attributes and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element. */
export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Sets an element's text only when it changed (cheap updates for 100 cards). */
export function setText(node, text) {
  const s = String(text);
  if (node.textContent !== s) node.textContent = s;
}

let numberFormat = new Intl.NumberFormat('en');
export function setLocale(lang) {
  numberFormat = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en');
}

export function num(n) {
  return n === null || n === undefined ? '–' : numberFormat.format(n);
}

export function rate(r) {
  if (!r) return '0/s';
  return (r >= 100 ? numberFormat.format(Math.round(r)) : r.toFixed(1)) + '/s';
}

/** Milliseconds as h:mm:ss (or m:ss). */
export function duration(ms) {
  if (ms === null || ms === undefined) return '–';
  let s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return (h ? h + ':' : '') + mm + ':' + String(s).padStart(2, '0');
}

export function time(ms) {
  const d = new Date(ms);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function shortType(type) {
  const i = type.lastIndexOf('.');
  return i < 0 ? type : type.slice(i + 1);
}

/** A stable colour per series index. */
const PALETTE = ['#6cb8ff', '#4fd18b', '#ffc35c', '#ff6b7a', '#c792ea', '#ff9e64', '#56d4dd',
  '#f78fb3', '#a3be8c', '#e5c07b', '#82aaff', '#f07178'];
export function color(i) {
  return PALETTE[i % PALETTE.length];
}

/** Calls fn at most once per `ms`, trailing call included. */
export function throttle(fn, ms) {
  let last = 0;
  let timer = null;
  return (...args) => {
    const now = Date.now();
    const wait = last + ms - now;
    if (wait <= 0) {
      last = now;
      fn(...args);
    } else if (!timer) {
      timer = setTimeout(() => { timer = null; last = Date.now(); fn(...args); }, wait);
    }
  };
}

/** Shows a short message in the corner. */
export function toast(message, kind = '') {
  const box = document.getElementById('toasts');
  const t = el('div', { class: 'toast ' + kind, role: 'status', text: message });
  box.append(t);
  setTimeout(() => t.remove(), kind === 'bad' ? 8000 : 4000);
  while (box.children.length > 5) box.firstChild.remove();
}
