// The graph drawn as SVG: columns are the analysis' levels (a cycle's stages share one), edges on
// a cycle are dashed, cyclic components are framed, node shapes tell the stage kind, border
// colours the execution mode, and each node shows live counts.
import { svg, el, num, setText } from './util.js';
import { t } from './i18n.js';

const W = 176;
const H = 56;
const COL = 96;
const ROW = 26;
const PAD = 30;

function shape(kind, x, y) {
  switch (kind) {
    case 'ROUTER': {
      const k = 14;
      const pts = [[x + k, y], [x + W - k, y], [x + W, y + H / 2], [x + W - k, y + H], [x + k, y + H], [x, y + H / 2]];
      return [svg('polygon', { points: pts.map((p) => p.join(',')).join(' ') })];
    }
    case 'CONSUMER':
      return [svg('rect', { x, y, width: W, height: H, rx: H / 2 })];
    case 'SPLITTER':
      return [svg('rect', { x, y, width: W, height: H, rx: 4 }),
        svg('rect', { class: 'inner', x: x + 4, y: y + 4, width: W - 8, height: H - 8, rx: 2 })];
    default:
      return [svg('rect', { x, y, width: W, height: H, rx: 6 })];
  }
}

function short(name, max = 22) {
  return name.length > max ? name.slice(0, max - 1) + '…' : name;
}

/** Orders each level by the mean position of its upstream stages (fewer crossings). */
function layers(topology) {
  const byLevel = [];
  for (const s of topology.stages) (byLevel[s.level] ||= []).push(s.name);
  const pos = new Map();
  const preds = new Map(topology.stages.map((s) => [s.name, []]));
  for (const e of topology.edges) if (e.from !== e.to) preds.get(e.to).push(e.from);
  byLevel.forEach((names, level) => {
    if (level > 0) {
      const score = (n) => {
        const p = preds.get(n).filter((u) => pos.has(u));
        return p.length ? p.reduce((a, u) => a + pos.get(u), 0) / p.length : Infinity;
      };
      const order = new Map(names.map((n, i) => [n, i]));
      names.sort((a, b) => (score(a) - score(b)) || (order.get(a) - order.get(b)));
    }
    names.forEach((n, i) => pos.set(n, i));
  });
  return byLevel.map((l) => l || []);
}

export class Topology {
  constructor(container, legend) {
    this.container = container;
    this.legend = legend;
    this.nodes = new Map();
  }

  render(topology) {
    this.nodes.clear();
    const cols = layers(topology);
    const tallest = Math.max(1, ...cols.map((c) => c.length));
    const width = PAD * 2 + cols.length * W + (cols.length - 1) * COL + 40;
    const height = PAD * 2 + tallest * H + (tallest - 1) * ROW + 30;
    const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
    const defs = svg('defs');
    for (const [id, cls] of [['arrow', 'arrow'], ['arrow-cyclic', 'arrow-cyclic']]) {
      const m = svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
      m.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: cls }));
      defs.append(m);
    }
    root.append(defs);
    const at = new Map();
    cols.forEach((names, level) => {
      const offset = (tallest - names.length) * (H + ROW) / 2;
      names.forEach((name, i) => at.set(name, { x: PAD + level * (W + COL), y: PAD + offset + i * (H + ROW) }));
    });
    const stages = new Map(topology.stages.map((s) => [s.name, s]));
    for (const c of topology.components) {
      if (!c.cyclic) continue;
      const ps = c.stages.map((n) => at.get(n));
      const x0 = Math.min(...ps.map((p) => p.x)) - 12;
      const y0 = Math.min(...ps.map((p) => p.y)) - 16;
      const x1 = Math.max(...ps.map((p) => p.x)) + W + 26;
      const y1 = Math.max(...ps.map((p) => p.y)) + H + 12;
      root.append(svg('rect', { class: 'scc', x: x0, y: y0, width: x1 - x0, height: y1 - y0, rx: 10 }));
    }
    for (const e of topology.edges) root.append(this.edge(at.get(e.from), at.get(e.to), e));
    for (const [name, p] of at) {
      const s = stages.get(name);
      const g = svg('g', { class: `node kind-${s.kind || 'MAP'}${s.cyclic ? ' cyclic' : ''}`, 'data-stage': name, 'data-mode': s.mode || '' });
      g.append(svg('title', {}, `${name} — ${s.kind || '?'}, ${s.mode || '?'}${s.workers ? ' ×' + s.workers : ''}`));
      for (const part of shape(s.kind, p.x, p.y)) g.append(part);
      g.append(svg('text', { x: p.x + W / 2, y: p.y + 22, 'text-anchor': 'middle' }, short(name)));
      const counts = svg('text', { class: 'counts', x: p.x + W / 2, y: p.y + 40, 'text-anchor': 'middle' }, '');
      g.append(counts);
      root.append(g);
      this.nodes.set(name, { g, counts });
    }
    this.container.replaceChildren(root);
    this.renderLegend();
  }

  edge(a, b, e) {
    const cls = 'edge' + (e.cyclic ? ' cyclic' : '');
    const marker = `url(#${e.cyclic ? 'arrow-cyclic' : 'arrow'})`;
    let d;
    if (e.from === e.to) {
      const x = a.x + W - 30;
      d = `M ${x} ${a.y} C ${x - 10} ${a.y - 34}, ${x + 40} ${a.y - 34}, ${x + 24} ${a.y + 2}`;
    } else if (b.x > a.x) {
      const x1 = a.x + W;
      const y1 = a.y + H / 2;
      const x2 = b.x;
      const y2 = b.y + H / 2;
      const dx = (x2 - x1) / 2;
      d = `M ${x1} ${y1} C ${x1 + dx} ${y1}, ${x2 - dx} ${y2}, ${x2} ${y2}`;
    } else {
      // Same column (a cycle) or backwards: loop around the right side.
      const x1 = a.x + W;
      const y1 = a.y + H / 2 + (b.y > a.y ? 8 : -8);
      const x2 = b.x + W;
      const y2 = b.y + H / 2 + (b.y > a.y ? -8 : 8);
      const bulge = Math.max(a.x, b.x) + W + 18 + Math.abs(y2 - y1) / 8;
      d = `M ${x1} ${y1} C ${bulge} ${y1}, ${bulge} ${y2}, ${x2 + 2} ${y2}`;
    }
    return svg('path', { class: cls, d, 'marker-end': marker });
  }

  renderLegend() {
    this.legend.replaceChildren(
      el('span', { text: '▭ ' + t('topology.map') }),
      el('span', { text: '▣ ' + t('topology.splitter') }),
      el('span', { text: '⬡ ' + t('topology.router') }),
      el('span', { text: '◯ ' + t('topology.consumer') }),
      el('span', { text: '⇢ ' + t('topology.cycle') }),
      el('span', { text: t('topology.mode') + ':' }),
      ...['SERIAL', 'THREAD', 'ASYNC', 'PROCESS'].map((m) => el('span', { class: 'mode-key', dataset: { mode: m }, text: m })));
    for (const node of this.legend.querySelectorAll('.mode-key')) {
      node.style.color = getComputedStyle(document.documentElement).getPropertyValue('--mode-' + node.dataset.mode.toLowerCase());
    }
  }

  /** Live counts on the nodes. */
  update(view) {
    for (const s of view.stages) {
      const n = this.nodes.get(s.name);
      if (!n) continue;
      setText(n.counts, `✓${num(s.succeeded)}  ✗${num(s.failed)}  ≡${num(s.pending + s.claimed)}`);
      n.g.classList.toggle('finished', s.finished);
    }
  }
}
