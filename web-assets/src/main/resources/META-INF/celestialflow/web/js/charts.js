// Figures over time on plain canvases: throughput and completion per stage, errors by type.
// The server keeps a bounded history (GET .../history); status events append to it here, in a
// bounded buffer too.
import { el, color, duration, num, shortType } from './util.js';
import { t } from './i18n.js';

const MAX_POINTS = 600;

class LineChart {
  constructor(canvas, legend) {
    this.canvas = canvas;
    this.legend = legend;
  }

  draw(times, series) {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth || 400;
    const h = c.clientHeight || 220;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const css = getComputedStyle(document.documentElement);
    const muted = css.getPropertyValue('--muted').trim() || '#888';
    const grid = css.getPropertyValue('--border').trim() || '#333';
    const left = 56;
    const bottom = 22;
    const top = 8;
    const right = 10;
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = muted;
    if (!times.length) {
      g.fillText(t('charts.empty'), left, h / 2);
      this.legend.replaceChildren();
      return;
    }
    let max = 0;
    for (const s of series) for (const v of s.values) if (v > max) max = v;
    max = max <= 0 ? 1 : max * 1.08;
    const t0 = times[0];
    const t1 = Math.max(times[times.length - 1], t0 + 1);
    const x = (tm) => left + (tm - t0) / (t1 - t0) * (w - left - right);
    const y = (v) => top + (1 - v / max) * (h - top - bottom);
    g.strokeStyle = grid;
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const v = max * i / 4;
      const yy = Math.round(y(v)) + 0.5;
      g.beginPath(); g.moveTo(left, yy); g.lineTo(w - right, yy); g.stroke();
      g.fillText(num(Math.round(v)), 4, yy + 4);
    }
    g.fillText(duration(t0), left, h - 6);
    const end = duration(t1);
    g.fillText(end, w - right - g.measureText(end).width, h - 6);
    series.forEach((s, i) => {
      g.strokeStyle = color(i);
      g.lineWidth = 1.6;
      g.beginPath();
      s.values.forEach((v, k) => (k ? g.lineTo(x(times[k]), y(v)) : g.moveTo(x(times[k]), y(v))));
      g.stroke();
    });
    this.legend.replaceChildren(...series.slice(0, 24).map((s, i) => {
      const swatch = el('i');
      swatch.style.background = color(i);
      return el('span', { title: s.name }, swatch, s.label || s.name);
    }));
  }
}

export class Charts {
  constructor() {
    this.rate = new LineChart(document.getElementById('chart-rate'), document.getElementById('legend-rate'));
    this.completed = new LineChart(document.getElementById('chart-completed'), document.getElementById('legend-completed'));
    this.errors = new LineChart(document.getElementById('chart-errors'), document.getElementById('legend-errors'));
    this.reset({ t: [], stages: [], completed: {}, rate: {}, errors: {} });
  }

  /** Starts from the server's history of a run. */
  reset(history) {
    this.t = [...history.t];
    this.stages = [...history.stages];
    this.completedData = new Map(this.stages.map((s) => [s, [...(history.completed[s] || [])]]));
    this.rateData = new Map(this.stages.map((s) => [s, [...(history.rate[s] || [])]]));
    this.errorData = new Map(Object.entries(history.errors || {}).map(([k, v]) => [k, [...v]]));
  }

  /** Appends the point of one status snapshot. */
  add(view) {
    if (this.t.length && view.elapsedMs <= this.t[this.t.length - 1]) return;
    this.t.push(view.elapsedMs);
    for (const s of view.stages) {
      if (!this.completedData.has(s.name)) {
        this.stages.push(s.name);
        this.completedData.set(s.name, new Array(this.t.length - 1).fill(0));
        this.rateData.set(s.name, new Array(this.t.length - 1).fill(0));
      }
      this.completedData.get(s.name).push(s.succeeded + s.failed + s.duplicates);
      this.rateData.get(s.name).push(s.rate);
    }
    for (const [type, count] of Object.entries(view.errorsByType || {})) {
      if (!this.errorData.has(type)) this.errorData.set(type, new Array(this.t.length - 1).fill(0));
    }
    for (const [type, values] of this.errorData) values.push((view.errorsByType || {})[type] || 0);
    if (this.t.length > MAX_POINTS) this.thin();
  }

  thin() {
    const keep = (a) => a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
    this.t = keep(this.t);
    for (const m of [this.completedData, this.rateData, this.errorData]) {
      for (const [k, v] of m) m.set(k, keep(v));
    }
  }

  draw() {
    const per = (m) => this.stages.map((s) => ({ name: s, values: m.get(s) || [] }));
    this.rate.draw(this.t, per(this.rateData));
    this.completed.draw(this.t, per(this.completedData));
    this.errors.draw(this.t, [...this.errorData].map(([k, v]) => ({ name: k, label: shortType(k), values: v })));
  }
}
