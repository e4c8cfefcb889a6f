// English and Chinese labels. Elements carry data-i18n (text), data-i18n-placeholder or
// data-i18n-title; code asks t(key, ...args).

const STRINGS = {
  en: {
    'tab.overview': 'Overview', 'tab.topology': 'Topology', 'tab.charts': 'Charts',
    'tab.errors': 'Errors', 'tab.inject': 'Inject',
    'conn.title': 'Live connection', 'runs.title': 'Runs',
    'runs.empty': 'No runs yet. Attach a run to this dashboard, or report one to it.',
    'state.RUNNING': 'running', 'state.COMPLETED': 'completed', 'state.CANCELLED': 'cancelled',
    'state.LOST': 'lost', 'stage.running': 'running', 'stage.idle': 'idle', 'stage.finished': 'finished',
    'stage.cyclic': 'cycle',
    'fig.received': 'received', 'fig.succeeded': 'succeeded', 'fig.failed': 'failed',
    'fig.duplicates': 'duplicates', 'fig.pending': 'pending', 'fig.claimed': 'claimed',
    'fig.running': 'running', 'fig.retries': 'retries', 'fig.rate': 'rate',
    'fig.elapsed': 'elapsed', 'fig.remaining': 'remaining', 'fig.completed': 'completed',
    'fig.open': 'open', 'fig.progress': 'progress', 'fig.failures': 'failures', 'fig.state': 'state',
    'fig.backlog': 'backlog', 'fig.workers': 'workers',
    'summary.cancel': 'Cancel run', 'summary.closeInputs': 'Close inputs',
    'summary.confirmCancel': 'Cancel this run? Unfinished tasks are listed in its result.',
    'summary.noControls': 'Read-only: this dashboard cannot act on the run.',
    'summary.origin': 'origin',
    'charts.throughput': 'Throughput per stage (tasks/s)', 'charts.completion': 'Completed per stage',
    'charts.errors': 'Errors by type', 'charts.empty': 'No data yet',
    'errors.text': 'Text', 'errors.allStages': 'All stages', 'errors.type': 'Error type',
    'errors.from': 'From', 'errors.to': 'To', 'errors.search': 'Search',
    'errors.retryFiltered': 'Retry filtered', 'errors.retryAll': 'Retry all',
    'errors.time': 'Time', 'errors.stage': 'Stage', 'errors.typeCol': 'Type',
    'errors.message': 'Message', 'errors.task': 'Task', 'errors.attempts': 'Attempts',
    'errors.prev': 'Previous', 'errors.next': 'Next', 'errors.trace': 'Trace',
    'errors.retry': 'Retry', 'errors.edit': 'Edit & inject', 'errors.page': 'page {0} of {1}',
    'errors.meta': '{0} matching · {1} failures in all · {2} searchable',
    'errors.none': 'No failures match.',
    'errors.confirmAll': 'Retry every failure ({0})?',
    'inject.help': "Tasks are JSON, checked by the server against the stage's task type and never evaluated. The run must be kept open to take tasks.",
    'inject.stage': 'Stage', 'inject.many': 'An array of tasks', 'inject.send': 'Inject',
    'inject.closeStage': 'Close inputs of this stage', 'inject.syntax': 'Not valid JSON: {0}',
    'inject.prefilled': 'Editor filled with the failed task of stage {0}',
    'settings.title': 'Settings', 'settings.interval': 'Update interval (ms)',
    'settings.pageSize': 'Error log page size', 'settings.theme': 'Theme',
    'settings.dark': 'Dark', 'settings.light': 'Light', 'settings.language': 'Language',
    'settings.cancel': 'Cancel', 'settings.save': 'Save',
    'topology.map': 'map', 'topology.splitter': 'splitter', 'topology.router': 'router',
    'topology.consumer': 'consumer', 'topology.cycle': 'edge on a cycle',
    'topology.mode': 'border colour: execution mode',
  },
  zh: {
    'tab.overview': '概览', 'tab.topology': '拓扑', 'tab.charts': '图表',
    'tab.errors': '错误', 'tab.inject': '注入',
    'conn.title': '实时连接', 'runs.title': '运行',
    'runs.empty': '还没有运行。将运行附加到此仪表板，或向其报告运行。',
    'state.RUNNING': '运行中', 'state.COMPLETED': '已完成', 'state.CANCELLED': '已取消',
    'state.LOST': '失联', 'stage.running': '运行中', 'stage.idle': '空闲', 'stage.finished': '已结束',
    'stage.cyclic': '环',
    'fig.received': '接收', 'fig.succeeded': '成功', 'fig.failed': '失败',
    'fig.duplicates': '重复', 'fig.pending': '等待', 'fig.claimed': '已领取',
    'fig.running': '执行中', 'fig.retries': '重试', 'fig.rate': '速率',
    'fig.elapsed': '已用时间', 'fig.remaining': '剩余时间', 'fig.completed': '已完成',
    'fig.open': '未完成', 'fig.progress': '进度', 'fig.failures': '失败数', 'fig.state': '状态',
    'fig.backlog': '积压', 'fig.workers': '并发数',
    'summary.cancel': '取消运行', 'summary.closeInputs': '关闭输入',
    'summary.confirmCancel': '取消此运行？未完成的任务会列在结果中。',
    'summary.noControls': '只读：此仪表板不能操作该运行。',
    'summary.origin': '来源',
    'charts.throughput': '各节点吞吐量（任务/秒）', 'charts.completion': '各节点已完成数',
    'charts.errors': '按类型统计的错误', 'charts.empty': '暂无数据',
    'errors.text': '文本', 'errors.allStages': '全部节点', 'errors.type': '错误类型',
    'errors.from': '从', 'errors.to': '到', 'errors.search': '搜索',
    'errors.retryFiltered': '重试筛选结果', 'errors.retryAll': '全部重试',
    'errors.time': '时间', 'errors.stage': '节点', 'errors.typeCol': '类型',
    'errors.message': '信息', 'errors.task': '任务', 'errors.attempts': '尝试次数',
    'errors.prev': '上一页', 'errors.next': '下一页', 'errors.trace': '堆栈',
    'errors.retry': '重试', 'errors.edit': '编辑并注入', 'errors.page': '第 {0} 页，共 {1} 页',
    'errors.meta': '匹配 {0} 条 · 共 {1} 个失败 · 可搜索 {2} 条',
    'errors.none': '没有匹配的失败。',
    'errors.confirmAll': '重试全部失败（{0}）？',
    'inject.help': '任务为 JSON，由服务器按节点的任务类型校验，绝不会被执行为代码。运行必须保持开启才能接收任务。',
    'inject.stage': '节点', 'inject.many': '任务数组', 'inject.send': '注入',
    'inject.closeStage': '关闭此节点的输入', 'inject.syntax': '不是有效的 JSON：{0}',
    'inject.prefilled': '已用节点 {0} 的失败任务填充编辑器',
    'settings.title': '设置', 'settings.interval': '更新间隔（毫秒）',
    'settings.pageSize': '错误日志每页条数', 'settings.theme': '主题',
    'settings.dark': '深色', 'settings.light': '浅色', 'settings.language': '语言',
    'settings.cancel': '取消', 'settings.save': '保存',
    'topology.map': '映射', 'topology.splitter': '拆分', 'topology.router': '路由',
    'topology.consumer': '消费', 'topology.cycle': '环上的边',
    'topology.mode': '边框颜色：执行模式',
  },
};

let lang = 'en';

export function setLanguage(l) {
  lang = STRINGS[l] ? l : 'en';
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  for (const node of document.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
}

export function language() {
  return lang;
}

/** The label for a key in the current language, with {0}, {1}... replaced. */
export function t(key, ...args) {
  const s = (STRINGS[lang] && STRINGS[lang][key]) || STRINGS.en[key] || key;
  return s.replace(/\{(\d+)\}/g, (m, i) => (args[i] !== undefined ? String(args[i]) : m));
}
