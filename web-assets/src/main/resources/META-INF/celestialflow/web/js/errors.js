// The error log: server-side search by text, stage, type and time, paging, the stack trace on
// demand, retry (one, the filtered set, all) and "edit & inject" into the injection editor.
import { el, setText, time, num, shortType, throttle, toast } from './util.js';
import { t } from './i18n.js';
import { api } from './api.js';

export class ErrorLog {
  constructor(settings, prefill) {
    this.settings = settings;
    this.prefill = prefill;
    this.form = document.getElementById('error-search');
    this.rows = document.getElementById('error-rows');
    this.meta = document.getElementById('error-meta');
    this.pageInfo = document.getElementById('page-info');
    this.prev = document.getElementById('page-prev');
    this.next = document.getElementById('page-next');
    this.types = document.getElementById('error-types');
    this.runId = null;
    this.page = 1;
    this.pages = 1;
    this.controls = false;
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.page = 1; this.load(); });
    this.prev.addEventListener('click', () => { if (this.page > 1) { this.page--; this.load(); } });
    this.next.addEventListener('click', () => { if (this.page < this.pages) { this.page++; this.load(); } });
    document.getElementById('retry-filtered').addEventListener('click', () => this.retry(this.filter()));
    document.getElementById('retry-all').addEventListener('click', () => {
      if (confirm(t('errors.confirmAll', num(this.total || 0)))) this.retry({ all: true });
    });
    this.refresh = throttle(() => { if (this.page === 1 && this.visible()) this.load(); }, 2000);
  }

  visible() {
    return document.getElementById('tab-errors').classList.contains('active');
  }

  setRun(view) {
    this.runId = view.runId;
    this.controls = view.controls;
    const select = this.form.elements.stage;
    select.replaceChildren(el('option', { value: '', dataset: { i18n: 'errors.allStages' }, text: t('errors.allStages') }),
      ...view.stages.map((s) => el('option', { value: s.name, text: s.name })));
    this.form.reset();
    this.page = 1;
    this.rows.replaceChildren();
    setText(this.meta, '');
    if (this.visible()) this.load();
  }

  filter() {
    const f = this.form.elements;
    const out = {};
    if (f.q.value.trim()) out.q = f.q.value.trim();
    if (f.stage.value) out.stage = f.stage.value;
    if (f.type.value.trim()) out.type = f.type.value.trim();
    if (f.from.value) out.from = String(new Date(f.from.value).getTime());
    if (f.to.value) out.to = String(new Date(f.to.value).getTime());
    return out;
  }

  async load() {
    if (!this.runId) return;
    const runId = this.runId;
    try {
      const res = await api.failures(runId, { ...this.filter(), page: this.page, size: this.settings().pageSize });
      if (runId !== this.runId) return;
      this.render(res);
    } catch (e) {
      toast(e.message, 'bad');
    }
  }

  render(res) {
    this.total = res.total;
    this.pages = Math.max(1, Math.ceil(res.matched / res.size));
    setText(this.meta, t('errors.meta', num(res.matched), num(res.total), num(res.searchable)));
    setText(this.pageInfo, t('errors.page', num(res.page), num(this.pages)));
    this.prev.disabled = res.page <= 1;
    this.next.disabled = res.page >= this.pages;
    this.types.replaceChildren(...Object.keys(res.byType).map((type) => el('option', { value: type })));
    if (!res.items.length) {
      this.rows.replaceChildren(el('tr', {}, el('td', { colspan: 7, class: 'muted', text: t('errors.none') })));
      return;
    }
    this.rows.replaceChildren(...res.items.map((f) => this.row(f)));
  }

  row(f) {
    const actions = el('td', { class: 'actions' },
      el('button', { class: 'secondary', text: t('errors.trace'), onclick: (e) => this.toggleTrace(e.target.closest('tr'), f) }),
      this.controls ? el('button', { class: 'secondary', text: t('errors.retry'), onclick: () => this.retry({ ids: [f.id] }) }) : null,
      this.controls ? el('button', { class: 'secondary', text: t('errors.edit'), onclick: () => this.edit(f) }) : null);
    return el('tr', { dataset: { id: String(f.id) } },
      el('td', { text: time(f.time) }),
      el('td', { text: f.stage }),
      el('td', { text: shortType(f.type), title: f.types.join(' < ') }),
      el('td', { class: 'message', text: f.message }),
      el('td', { class: 'task', text: f.task }),
      el('td', { text: String(f.attempts) }),
      actions);
  }

  async toggleTrace(tr, f) {
    const next = tr.nextElementSibling;
    if (next && next.classList.contains('trace')) {
      next.remove();
      return;
    }
    try {
      const d = await api.failure(this.runId, f.id);
      tr.after(el('tr', { class: 'trace' }, el('td', { colspan: 7 }, el('pre', { text: d.stackTrace }))));
    } catch (e) {
      toast(e.message, 'bad');
    }
  }

  async edit(f) {
    try {
      const d = await api.failure(this.runId, f.id);
      this.prefill(f.stage, d.taskJson || '');
      toast(t('inject.prefilled', f.stage));
    } catch (e) {
      toast(e.message, 'bad');
    }
  }

  async retry(body) {
    try {
      const res = await api.retry(this.runId, body);
      toast(res.message, 'ok');
    } catch (e) {
      toast(e.message, 'bad');
    }
  }
}
