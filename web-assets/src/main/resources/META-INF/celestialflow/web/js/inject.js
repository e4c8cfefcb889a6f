// Task injection: a JSON editor per stage; the server decodes with the stage's type and answers
// with the reason when a task does not fit. The text is parsed as JSON only, never evaluated.
import { el, setText, toast } from './util.js';
import { t } from './i18n.js';
import { api } from './api.js';

export class Injector {
  constructor() {
    this.form = document.getElementById('inject-form');
    this.stage = document.getElementById('inject-stage');
    this.json = document.getElementById('inject-json');
    this.many = document.getElementById('inject-many');
    this.result = document.getElementById('inject-result');
    this.typeHint = document.getElementById('inject-type');
    this.runId = null;
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.send(); });
    document.getElementById('close-stage').addEventListener('click', () => this.closeStage());
    this.stage.addEventListener('change', () => this.hint());
  }

  setRun(view, topology) {
    this.runId = view.runId;
    this.topology = topology;
    const current = this.stage.value;
    this.stage.replaceChildren(...view.stages.map((s) => el('option', { value: s.name, text: s.name })));
    if (view.stages.some((s) => s.name === current)) this.stage.value = current;
    for (const b of this.form.querySelectorAll('button')) b.disabled = !view.controls;
    this.hint();
  }

  hint() {
    const s = this.topology && this.topology.stages.find((x) => x.name === this.stage.value);
    setText(this.typeHint, s ? `${s.kind || ''} · ${s.mode || ''}` : '');
  }

  prefill(stage, json) {
    this.stage.value = stage;
    this.many.checked = false;
    this.json.value = json;
    this.hint();
    document.querySelector('.tab[data-tab="inject"]').click();
    this.json.focus();
  }

  show(message, ok) {
    setText(this.result, message);
    this.result.className = 'result ' + (ok ? 'ok' : 'bad');
  }

  async send() {
    let value;
    try {
      value = JSON.parse(this.json.value);
    } catch (e) {
      this.show(t('inject.syntax', e.message), false);
      return;
    }
    const body = { stage: this.stage.value };
    if (this.many.checked) body.tasks = value; else body.task = value;
    try {
      const res = await api.inject(this.runId, body);
      this.show(res.message, true);
    } catch (e) {
      this.show(e.message, false);
    }
  }

  async closeStage() {
    try {
      const res = await api.closeInputs(this.runId, this.stage.value);
      toast(res.message, 'ok');
    } catch (e) {
      toast(e.message, 'bad');
    }
  }
}
