// The run's summary card and one card per stage, updated in place at each status event.
import { el, setText, num, rate, duration } from './util.js';
import { t } from './i18n.js';
import { loadOrder, saveOrder } from './settings.js';

const COUNTERS = ['received', 'succeeded', 'failed', 'duplicates', 'pending', 'claimed', 'running', 'retries'];
const DELTAS = new Set(['received', 'succeeded', 'failed', 'duplicates', 'pending', 'claimed', 'running']);

function fig(key, withDelta) {
  const v = el('span', { class: 'v' });
  const d = withDelta ? el('span', { class: 'delta' }) : null;
  const box = el('div', { class: 'fig', dataset: { fig: key } },
    el('span', { class: 'k', dataset: { i18n: 'fig.' + key }, text: t('fig.' + key) }),
    el('span', {}, v, d));
  return { box, v, d };
}

function showDelta(node, delta) {
  if (!node) return;
  const text = delta ? (delta > 0 ? '+' : '') + num(delta) : '';
  setText(node, text);
  const cls = 'delta' + (delta > 0 ? ' up' : delta < 0 ? ' down' : '');
  if (node.className !== cls) node.className = cls;
}

function stageState(s) {
  if (s.finished) return 'finished';
  return s.running > 0 || s.claimed > 0 || s.pending > 0 ? 'running' : 'idle';
}

export class Cards {
  constructor(summaryEl, cardsEl, actions) {
    this.summaryEl = summaryEl;
    this.cardsEl = cardsEl;
    this.actions = actions;
    this.cards = new Map();
    this.graph = null;
    this.dragged = null;
    cardsEl.addEventListener('dragover', (e) => this.dragOver(e));
    cardsEl.addEventListener('drop', (e) => this.drop(e));
  }

  /** Builds the cards of a run (a new run or a new graph). */
  setRun(view) {
    this.graph = view.graph;
    this.cards.clear();
    this.cardsEl.replaceChildren();
    this.buildSummary(view);
    const order = loadOrder(view.graph) || [];
    const names = view.stages.map((s) => s.name);
    const sorted = [...order.filter((n) => names.includes(n)), ...names.filter((n) => !order.includes(n))];
    const byName = new Map(view.stages.map((s) => [s.name, s]));
    for (const name of sorted) this.cardsEl.append(this.buildCard(byName.get(name)));
    this.update(view);
  }

  buildSummary(view) {
    const title = el('h2', { text: view.graph });
    const stateBadge = el('span', { class: 'badge' });
    const origin = el('div', { class: 'muted' });
    const figs = {};
    const box = el('div', { class: 'figures' });
    for (const key of ['state', 'elapsed', 'completed', 'failures', 'open', 'running', 'rate', 'remaining']) {
      figs[key] = fig(key, key === 'completed' || key === 'failures');
      box.append(figs[key].box);
    }
    const bar = el('div', { class: 'progress' }, el('div'));
    const cancel = el('button', { class: 'danger', dataset: { i18n: 'summary.cancel' }, text: t('summary.cancel'),
      id: 'cancel-run', onclick: () => this.actions.cancel() });
    const close = el('button', { class: 'secondary', dataset: { i18n: 'summary.closeInputs' },
      text: t('summary.closeInputs'), id: 'close-inputs', onclick: () => this.actions.closeInputs() });
    const note = el('div', { class: 'muted', dataset: { i18n: 'summary.noControls' }, text: t('summary.noControls') });
    this.summary = { title, stateBadge, origin, figs, bar, cancel, close, note, lastFailures: null, lastCompleted: null };
    this.summaryEl.replaceChildren(
      el('div', {}, el('div', { class: 'row' }, title, ' ', stateBadge), origin, box, bar),
      el('div', { class: 'actions' }, cancel, close, note));
  }

  buildCard(s) {
    const name = el('span', { class: 'name', text: s.name });
    const state = el('span', { class: 'badge' });
    const kind = el('span', { class: 'badge', text: s.kind || '?' });
    const mode = el('span', { class: 'badge', text: s.execution || s.mode || '?' });
    const cyclic = s.cyclic ? el('span', { class: 'badge cyclic', dataset: { i18n: 'stage.cyclic' }, text: t('stage.cyclic') }) : null;
    const figs = {};
    const grid = el('div', { class: 'counters' });
    for (const key of [...COUNTERS, 'rate']) {
      figs[key] = fig(key, DELTAS.has(key));
      grid.append(figs[key].box);
    }
    const elapsed = el('span');
    const remaining = el('span');
    const bar = el('div', { class: 'progress' }, el('div'));
    const card = el('article', {
      class: 'card stage-card', draggable: 'true',
      dataset: { stage: s.name, mode: s.mode || '', kind: s.kind || '' },
    },
    el('header', {}, name, state, kind, mode, cyclic), grid,
    el('div', { class: 'timing' }, el('span', {}, el('span', { dataset: { i18n: 'fig.elapsed' }, text: t('fig.elapsed') }), ' ', elapsed),
      el('span', {}, el('span', { dataset: { i18n: 'fig.remaining' }, text: t('fig.remaining') }), ' ', remaining)),
    bar);
    card.addEventListener('dragstart', (e) => {
      this.dragged = card;
      card.classList.add('dragging');
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', s.name);
    });
    card.addEventListener('dragend', () => {
      card.classList.remove('dragging');
      this.clearMarks();
      this.dragged = null;
    });
    this.cards.set(s.name, { card, state, figs, elapsed, remaining, bar });
    return card;
  }

  target(e) {
    const card = e.target.closest && e.target.closest('.stage-card');
    return card && card !== this.dragged ? card : null;
  }

  dragOver(e) {
    if (!this.dragged) return;
    e.preventDefault();
    this.clearMarks();
    const card = this.target(e);
    if (card) card.classList.add('drop-before');
  }

  drop(e) {
    if (!this.dragged) return;
    e.preventDefault();
    const card = this.target(e);
    if (card) {
      const r = card.getBoundingClientRect();
      const after = e.clientX > r.left + r.width / 2 && card.nextSibling !== this.dragged;
      this.cardsEl.insertBefore(this.dragged, after ? card.nextSibling : card);
    } else {
      this.cardsEl.append(this.dragged);
    }
    this.clearMarks();
    this.saveOrder();
  }

  clearMarks() {
    for (const c of this.cardsEl.querySelectorAll('.drop-before')) c.classList.remove('drop-before');
  }

  saveOrder() {
    const order = [...this.cardsEl.querySelectorAll('.stage-card')].map((c) => c.dataset.stage);
    saveOrder(this.graph, order);
  }

  /** Updates every figure from a status snapshot. */
  update(view) {
    const s = this.summary;
    setText(s.stateBadge, t('state.' + view.state));
    s.stateBadge.className = 'badge state-' + (view.state === 'RUNNING' ? 'running' : 'finished');
    setText(s.origin, `${view.runId} · ${t('summary.origin')}: ${view.origin}`);
    const tot = view.totals;
    setText(s.figs.state.v, t('state.' + view.state));
    setText(s.figs.elapsed.v, duration(view.elapsedMs));
    setText(s.figs.completed.v, num(tot.completed));
    showDelta(s.figs.completed.d, s.lastCompleted === null ? 0 : tot.completed - s.lastCompleted);
    setText(s.figs.failures.v, num(view.failureCount));
    showDelta(s.figs.failures.d, s.lastFailures === null ? 0 : view.failureCount - s.lastFailures);
    s.lastCompleted = tot.completed;
    s.lastFailures = view.failureCount;
    setText(s.figs.open.v, num(tot.open));
    setText(s.figs.running.v, num(tot.running));
    setText(s.figs.rate.v, rate(tot.rate));
    setText(s.figs.remaining.v, view.state === 'RUNNING' ? duration(tot.etaMs) : duration(0));
    s.bar.firstChild.style.width = (tot.progress * 100).toFixed(1) + '%';
    s.bar.title = (tot.progress * 100).toFixed(1) + '%';
    const live = view.state === 'RUNNING' && view.controls;
    s.cancel.disabled = !live;
    s.close.disabled = !live;
    s.note.hidden = view.controls;
    for (const st of view.stages) {
      const c = this.cards.get(st.name);
      if (c) this.updateCard(c, st);
    }
  }

  updateCard(c, s) {
    const state = stageState(s);
    setText(c.state, t('stage.' + state));
    c.state.dataset.i18nState = state;
    const cls = 'badge state-' + state;
    if (c.state.className !== cls) c.state.className = cls;
    for (const key of COUNTERS) {
      setText(c.figs[key].v, num(s[key]));
      if (DELTAS.has(key)) showDelta(c.figs[key].d, s.delta[key]);
    }
    setText(c.figs.rate.v, rate(s.rate));
    c.figs.rate.box.title = 'avg ' + rate(s.avgRate);
    setText(c.elapsed, duration(s.elapsedMs));
    setText(c.remaining, s.finished ? duration(0) : duration(s.etaMs));
    c.bar.firstChild.style.width = (s.progress * 100).toFixed(1) + '%';
    c.bar.title = `${(s.progress * 100).toFixed(1)}% · ${t('fig.backlog')} ${num(s.backlog)}`;
    c.bar.classList.toggle('failed', s.failed > 0);
    c.card.classList.toggle('finished', s.finished);
  }

  relabel(view) {
    if (view) this.update(view);
  }
}
