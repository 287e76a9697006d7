// The planner's page of `zonesim serve`: plain JavaScript, no external library, works offline.
'use strict';

const T = {
  en: {
    app_title: 'zonesim · planner', scenario: 'Scenario', replications: 'Replications', seed: 'Seed', run: 'Run',
    autorun: 're-run on change', levers: 'Levers', reset_all: 'reset all', filter: 'filter levers…',
    targets: 'Targets', target: 'Target', year: 'Year', goal: 'Goal', mean: 'Mean', band: '5% – 95%',
    pmet: 'P(met)', baseline: 'Baseline P', change: 'Change', fans: 'Paths of the target indicators',
    legend_band90: '5–95 %', legend_band50: '25–75 %', legend_median: 'median', legend_base: 'baseline median',
    legend_goal: 'target', budget: 'Budget cost by lever (mean over replications, all zones)', item: 'Item',
    total_run: 'This run', total_base: 'Baseline', files: 'Files and scenario', download_h5: 'Download HDF5',
    open_report: 'HTML report', save_yaml: 'Save as scenario (YAML)', command: 'Same run from the command line:',
    running: 'running…', queued: 'server busy, retrying…', done: 'done in {s} s', failed: 'failed',
    invalid: 'The server refused the values:', range: 'range', default: 'default', reset: 'reset',
    total: 'Total', per_year: 'spending per year, 亿元',
    run_info: '{n} replications, seed {seed}, {y0}–{y1}, {t} s; change against the scenario as written (same seed).',
    no_change: 'no lever changed: this is the baseline', out_of_range: 'outside {min} … {max}',
    not_number: 'not a number', not_whole: 'not a whole number', no_unit: 'this lever takes a plain number',
    schedule_hint: 'a number in {unit}, or a schedule such as {2021: 10, 2023: 20} (each value in {unit} unless it names its unit; it holds until the next year given)',
    schedule_order: 'the years of a schedule must increase',
    zone_note: 'per zone — own value in {z} (the region-wide box does not apply there)', zone_none: 'per zone',
    zone_follows: 'region-wide value', zone_own: 'own value in the scenario: {v}', zone_region: 'follows the region-wide value',
    seed_bad: 'the seed is a whole number from 0 to 18446744073709551615',
    groups: { innovation: 'R&D and innovation', land: 'Land', exit: 'Exit of low-efficiency firms',
      entry: 'Entry thresholds', talent: 'Talent and training', attraction: 'Investment attraction and finance',
      evaluation: 'Evaluation and ranking', other: 'Other' },
    saved_title: "planner's variant", years_word: 'years',
  },
  zh: {
    app_title: 'zonesim · 政策模拟', scenario: '情景', replications: '重复次数', seed: '随机种子', run: '运行',
    autorun: '修改后自动运行', levers: '政策杠杆', reset_all: '全部恢复', filter: '筛选政策杠杆…',
    targets: '目标', target: '目标', year: '年份', goal: '目标值', mean: '均值', band: '5% – 95%',
    pmet: '达成概率', baseline: '基准概率', change: '变化', fans: '目标指标的路径',
    legend_band90: '5–95 %', legend_band50: '25–75 %', legend_median: '中位数', legend_base: '基准中位数',
    legend_goal: '目标', budget: '各政策的财政支出(重复均值,全部园区)', item: '项目',
    total_run: '本次方案', total_base: '基准', files: '文件与情景', download_h5: '下载 HDF5',
    open_report: 'HTML 报告', save_yaml: '另存为情景 (YAML)', command: '对应的命令行:',
    running: '运行中…', queued: '服务器繁忙,稍后重试…', done: '用时 {s} 秒', failed: '失败',
    invalid: '服务器拒绝了以下取值:', range: '范围', default: '默认', reset: '恢复',
    total: '合计', per_year: '每年支出(亿元)',
    run_info: '{n} 次重复,种子 {seed},{y0}–{y1} 年,用时 {t} 秒;变化相对于原情景(相同种子)。',
    no_change: '未修改任何政策杠杆:即基准情景', out_of_range: '超出范围 {min} … {max}',
    not_number: '不是数字', not_whole: '不是整数', no_unit: '此杠杆取纯数值,不带单位',
    schedule_hint: '一个数值(单位 {unit}),或按年设定,如 {2021: 10, 2023: 20}(未写单位的值均以 {unit} 计;每个值保持到下一个年份)',
    schedule_order: '按年设定的年份须递增',
    zone_note: '分园区设定——{z}另有取值(全区取值对其不起作用)', zone_none: '分园区设定',
    zone_follows: '沿用全区取值', zone_own: '情景中本园区取值:{v}', zone_region: '沿用全区取值',
    seed_bad: '随机种子须为 0 到 18446744073709551615 之间的整数',
    groups: { innovation: '研发与创新', land: '土地', exit: '低效企业退出', entry: '项目准入',
      talent: '人才与培训', attraction: '招商引资与金融', evaluation: '考核评价', other: '其他' },
    saved_title: '规划调整方案', years_word: '年',
  },
};

const GROUPS = [
  ['innovation', /^(rd_|hightech_income|hightech_certification|innovation_fund|new_)/],
  ['land', /^(land_|idle_land|plot_ratio|intensification|shared_land)/],
  ['exit', /^exit_/],
  ['entry', /^entry_/],
  ['talent', /^(talent_|training)/],
  ['attraction', /^(attraction_|metropolis_|scitech_|venture_|energy_retrofit|upper_level)/],
  ['evaluation', /^(rank_|demotion_)/],
];

const state = {
  lang: 'en',
  scenarios: [], scenario: null, values: {}, errors: {}, result: null, baseline: null,
  controller: null, timer: null, lastSeconds: null, runSeq: 0, zoneValues: {}, openZones: new Set(),
};
state.lang = localStorage.getItem('zonesim.lang') || ((navigator.language || '').startsWith('zh') ? 'zh' : 'en');

const $ = (sel) => document.querySelector(sel);
const t = (key, args) => {
  let s = T[state.lang][key] ?? T.en[key] ?? key;
  if (args) for (const [k, v] of Object.entries(args)) s = s.replaceAll('{' + k + '}', v);
  return s;
};
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
};

// The server's messages (diagnostics of the scenario loader, refusals of the request parser) are
// English; the Chinese page translates the ones a planner meets by their form. A message not in
// the table is shown as the server wrote it.
const SERVER_ZH = [
  [/^"(.*)" is out of range$/, (m) => `“${m[1]}”超出有效范围`],
  [/^valid: (\d{4}) to (\d{4}) \(base_year (\d{4}), end_year (\d{4})\)$/, (m) => `有效年份:${m[1]} 至 ${m[2]}(基年 ${m[3]},末年 ${m[4]})`],
  [/^valid: (.*) to (.*)$/, (m) => `有效范围:${m[1]} 至 ${m[2]}`],
  [/^did you mean "(.*)"\? (.*)$/, (m) => `是否应为“${m[1]}”?${serverZh(m[2])}`],
  [/^did you mean "(.*)"\?$/, (m) => `是否应为“${m[1]}”?`],
  [/^valid: (.*)$/, (m) => `有效取值:${m[1]}`],
  [/^year (\d+) is outside the horizon$/, (m) => `${m[1]} 年不在模拟期内`],
  [/^"(.*)" is not a year$/, (m) => `“${m[1]}”不是年份`],
  [/^"(.*)" is not a calendar year$/, (m) => `“${m[1]}”不是日历年份`],
  [/^"(.*)" is not a valid choice$/, (m) => `“${m[1]}”不是可选的取值`],
  [/^"(.*)" is not true or false$/, (m) => `“${m[1]}”不是 true 或 false`],
  [/^unknown unit "(.*)"$/, (m) => `未知单位“${m[1]}”`],
  [/^"(.*)" is a unit of (.*)$/, (m) => `“${m[1]}”是其他量纲的单位(${m[2]})`],
  [/^unknown (lever|zone|parameter|key|field) "(.*)"$/, (m) => `未知的${{ lever: '政策杠杆', zone: '园区', parameter: '参数', key: '键', field: '字段' }[m[1]]}“${m[2]}”`],
  [/^unknown field "(.*)"$/, (m) => `未知字段“${m[1]}”`],
  [/^"(.*)": (.*)$/, (m) => `“${m[1]}”:${serverZh(m[2])}`],
  [/^(\d+) replications is more than this server runs \((\d+)\)$/, (m) => `重复次数 ${m[1]} 超过本服务器的上限(${m[2]})`],
  [/^"(.*)" cannot be changed from the page$/, (m) => `页面上不能修改“${m[1]}”`],
  [/^the override "(.*)" is given twice$/, (m) => `“${m[1]}”重复给出`],
  [/^the scenario spans more than (\d+) years$/, (m) => `情景跨度超过 ${m[1]} 年`],
  [/^no scenario "(.*)"( in the scenarios directory)?$/, (m) => `没有情景“${m[1]}”`],
];
const SERVER_ZH_EXACT = {
  'not a number': '不是数字', 'empty value': '空值', 'number out of range': '数值超出可计算的范围',
  'must be a whole number': '须为整数', 'an amount of money needs a unit': '金额须带单位(元、万元、亿元)',
  'a plain number for a share must be a fraction between -1 and 1': '不带单位的比例须为 -1 到 1 之间的小数(或写成“12 %”)',
  'empty schedule': '按年设定为空', 'give at least one {year: value}': '至少给出一个 {年份: 取值}',
  'invalid overrides': '修改的取值无效', 'the scenario file has errors': '情景文件有错误',
  'use zonesim run for large ensembles, or start the server with --max-replications': '大规模运行请用 zonesim run,或以 --max-replications 启动服务器',
  '"replications" must be a whole number of at least 1': '重复次数须为不小于 1 的整数',
  'request too large': '请求过大', 'cancelled': '已取消', 'failed': '失败',
  'write a year such as 2025': '写成年份,如 2025', 'write true or false': '写 true 或 false',
  'write years as whole numbers, e.g. {2021: 10 %, 2023: 20 %}': '年份写成整数,如 {2021: 10 %, 2023: 20 %}',
  'a schedule maps years to values, e.g. {2021: 10 %, 2023: 20 %}': '按年设定把年份对应到取值,如 {2021: 10 %, 2023: 20 %}',
  'see `zonesim levers`': '见 `zonesim levers`',
};
function serverZh(text) {
  const s = String(text ?? '');
  if (SERVER_ZH_EXACT[s]) return SERVER_ZH_EXACT[s];
  for (const [re, f] of SERVER_ZH) {
    const m = s.match(re);
    if (m) return f(m);
  }
  if (/^"seed" must be a whole number/.test(s)) return T.zh.seed_bad;
  if (/^(an?|the) .* needs a unit$/.test(s)) return '须带单位';
  return s;
}
const serverText = (text) => (state.lang === 'zh' ? serverZh(text) : String(text ?? ''));

// Numbers as `zonesim run` prints them.
function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}
const withUnit = (v, unit) => fmt(v) + (unit ? ' ' + unit : '');
const pct = (p) => fmt(100 * p) + ' %';
const signed = (v, f = fmt) => (v > 0 ? '+' : v < 0 ? '−' : '±') + f(Math.abs(v));

async function api(path, options = {}) {
  const res = await fetch(path, options);
  let body = null;
  try { body = await res.json(); } catch (e) { body = { error: res.statusText }; }
  return { status: res.status, body, retryAfter: Number(res.headers.get('Retry-After') || 1) };
}

// ---- language --------------------------------------------------------------------------------

function applyLanguage() {
  document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((e) => { e.placeholder = t(e.dataset.i18nPlaceholder); });
  document.querySelectorAll('.lang button').forEach((b) => b.classList.toggle('active', b.dataset.lang === state.lang));
  document.title = t('app_title');
  if (state.status) setStatus(t(state.status.key, state.status.args), state.status.error, state.status.key, state.status.args);
  fillScenarioSelect();
  if (state.errorBody) showErrors(state.errorBody);
  renderLevers();
  renderResults();
}

function setLanguage(lang) {
  state.lang = lang;
  localStorage.setItem('zonesim.lang', lang);
  const url = new URL(location.href);
  url.searchParams.set('lang', lang);
  history.replaceState(null, '', url);
  applyLanguage();
}

// ---- scenarios and levers --------------------------------------------------------------------

function title(obj) { return (state.lang === 'zh' ? obj.zh || obj.en : obj.en || obj.zh) || ''; }

function fillScenarioSelect() {
  const sel = $('#scenario');
  const current = sel.value;
  sel.replaceChildren(...state.scenarios.map((s) =>
    el('option', { value: s.id, text: `${s.id} — ${title(s.title)}` })));
  if (current) sel.value = current;
}

async function loadScenario(id) {
  const { status, body } = await api('/api/scenarios/' + encodeURIComponent(id));
  if (status !== 200) { showErrors(body); return; }
  state.scenario = body;
  state.values = {};
  state.zoneValues = {};
  state.errors = {};
  state.result = null;
  state.baseline = null;
  for (const l of body.levers) {
    state.values[l.key] = l.value_text;
    state.zoneValues[l.key] = { ...(l.zones || {}) };
  }
  $('#replications').value = Math.min(body.replications, 200);
  $('#seed').value = body.seed_text ?? String(body.seed);
  const url = new URL(location.href);
  url.searchParams.set('scenario', id);
  history.replaceState(null, '', url);
  renderLevers();
  renderResults();
  run();
}

function leverGroup(key) {
  for (const [g, re] of GROUPS) if (re.test(key)) return g;
  return 'other';
}

function rangeText(l) {
  if (l.choices.length) return l.choices.join(' / ');
  const hi = l.max === null || l.max >= 1e300 ? '∞' : fmt1(l.max);
  return `${fmt1(l.min)} … ${hi}${l.unit ? ' ' + l.unit : ''}`;
}
function fmt1(v) { return Number.isInteger(v) ? String(v) : String(+v.toPrecision(6)); }

// One rule for a number and for each value of a schedule: a value written without a unit is in
// the unit shown beside the box (10 on a % lever is 10 %, in `10` as in `{2021: 10, 2023: 20}`);
// a value with a unit keeps it (the server converts 0.5 亿元 for a 万元 lever). Returns the text
// the API (and a scenario file) takes, or an error.
function checkScalar(l, text) {
  text = String(text).trim();
  if (l.choices.length) return l.choices.includes(text) ? { value: text } : { error: l.choices.join(' / ') };
  const m = text.match(/^([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*(.*)$/);
  if (!m) return { error: t('not_number') };
  const v = Number(m[1]);
  const unit = m[2].trim();
  if (unit && unit !== l.unit) {
    if (!l.unit) return { error: t('no_unit') };
    return { value: `${m[1]} ${unit}` };  // another unit of the dimension: the server converts and checks
  }
  if ((l.min !== null && v < l.min) || (l.max !== null && v > l.max))
    return { error: t('out_of_range', { min: fmt1(l.min), max: l.max === null ? '∞' : fmt1(l.max) }) };
  if (l.integer && !Number.isInteger(v)) return { error: t('not_whole') };
  return { value: l.unit ? `${v} ${l.unit}` : String(v) };
}

function checkValue(l, text) {
  text = String(text ?? '').trim();
  if (!text.startsWith('{')) return checkScalar(l, text);
  if (!text.endsWith('}')) return { error: t('schedule_hint', { unit: l.unit || '' }) };
  const inner = text.slice(1, -1).trim();
  if (!inner) return { error: t('schedule_hint', { unit: l.unit || '' }) };
  const parts = [];
  let last = -Infinity;
  for (const item of inner.split(',')) {
    const m = item.trim().match(/^([0-9]{4})\s*:\s*(.+)$/);
    if (!m) return { error: t('schedule_hint', { unit: l.unit || '' }) };
    const year = Number(m[1]);
    if (year <= last) return { error: t('schedule_order') };
    last = year;
    const c = checkScalar(l, m[2]);
    if (c.error) return { error: `${year}: ${c.error}` };
    parts.push(`${year}: ${c.value}`);
  }
  return { value: `{${parts.join(', ')}}` };
}

function normalized(l, text) {
  const c = checkValue(l, text);
  return c.value !== undefined ? c.value.replace(/\s+/g, ' ') : String(text);
}

const zoneKey = (z, key) => `zones.${z}.levers.${key}`;
const isChanged = (l, cur, orig) => normalized(l, cur) !== normalized(l, orig);

// The overrides the page sends: region-wide levers and per-zone values that differ from the
// scenario's. A zone box left empty keeps the scenario's setting for that zone.
function changedLevers() {
  const out = {};
  if (!state.scenario) return out;
  for (const l of state.scenario.levers) {
    const cur = state.values[l.key];
    if (isChanged(l, cur, l.value_text)) {
      const c = checkValue(l, cur);
      if (c.value !== undefined) out['levers.' + l.key] = c.value;
    }
    for (const z of state.scenario.zones) {
      const v = (state.zoneValues[l.key] || {})[z.id];
      const orig = (l.zones || {})[z.id];
      if (v === undefined || String(v).trim() === '') continue;
      if (orig !== undefined && !isChanged(l, v, orig)) continue;
      const c = checkValue(l, v);
      if (c.value !== undefined) out[zoneKey(z.id, l.key)] = c.value;
    }
  }
  return out;
}

// Re-renders the lever list keeping the focused box, its caret and the scroll position (a run's
// answer may re-render while the planner types in another box).
function renderLevers() {
  const box = $('#levers');
  const sc = state.scenario;
  if (!sc) { box.replaceChildren(); return; }
  const active = document.activeElement;
  const focusId = active && box.contains(active) ? active.dataset.focus : null;
  const sel = focusId && typeof active.selectionStart === 'number' ? [active.selectionStart, active.selectionEnd] : null;
  const scroll = $('#levers-panel').scrollTop;
  $('#scenario-title').textContent = title(sc.title) + ` (${sc.base_year}–${sc.end_year})`;
  const filter = ($('#lever-filter').value || '').toLowerCase();
  const groups = new Map();
  for (const l of sc.levers) {
    const hay = (l.key + ' ' + l.en + ' ' + l.zh).toLowerCase();
    if (filter && !hay.includes(filter)) continue;
    const g = leverGroup(l.key);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(l);
  }
  const nodes = [];
  for (const [g] of [...GROUPS, ['other']]) {
    if (!groups.has(g)) continue;
    nodes.push(el('div', { class: 'group-title', text: T[state.lang].groups[g] }));
    for (const l of groups.get(g)) nodes.push(leverRow(l));
  }
  box.replaceChildren(...nodes);
  $('#levers-panel').scrollTop = scroll;
  if (focusId) {
    const again = box.querySelector(`[data-focus="${CSS.escape(focusId)}"]`);
    if (again) {
      again.focus({ preventScroll: true });
      if (sel && typeof again.setSelectionRange === 'function') try { again.setSelectionRange(sel[0], sel[1]); } catch (e) { /* select */ }
    }
  }
}

function zoneName(z) { return state.lang === 'zh' ? z.zh || z.en || z.id : z.en || z.zh || z.id; }

// A value box: a select for a word list, else text (a number or a schedule). It updates its row
// in place on every keystroke and on change: re-rendering the list on change (when the box loses
// focus) would replace the box the planner has just clicked into.
function valueBox(l, value, focusId, onValue, extra = {}) {
  const schedule = String(value ?? '').trim().startsWith('{');
  if (l.choices.length && !schedule && !extra.placeholder) {
    const sel = el('select', { name: focusId, 'data-focus': focusId, onchange: (e) => onValue(e.target.value) },
      ...l.choices.map((c) => el('option', { value: c, text: c })));
    sel.value = value;
    return sel;
  }
  const shown = schedule || !l.unit ? String(value ?? '') : String(value ?? '').replace(new RegExp('\\s*' + l.unit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') + '$'), '');
  const input = el('input', { type: 'text', name: focusId, 'data-focus': focusId, value: shown, autocomplete: 'off',
    title: t('schedule_hint', { unit: l.unit || '' }), class: schedule ? 'schedule' : 'number', placeholder: extra.placeholder,
    oninput: (e) => { input.className = e.target.value.trim().startsWith('{') ? 'schedule' : 'number'; onValue(e.target.value); } });
  return input;
}

function leverRow(l) {
  const cur = state.values[l.key];
  const changed = isChanged(l, cur, l.value_text);
  const local = checkValue(l, cur);
  const err = errText(state.errors['levers.' + l.key]) || local.error;
  const row = el('div', { class: 'lever' + (changed ? ' changed' : '') + (err ? ' invalid' : ''), 'data-lever': l.key });
  row.append(el('div', { class: 'label', text: state.lang === 'zh' ? l.zh : l.en }));
  row.append(el('div', { class: 'key', text: l.key + ' · ' + (state.lang === 'zh' ? l.en : l.zh) }));
  const control = el('div', { class: 'control' });
  let slider = null;
  const input = valueBox(l, cur, l.key, (value) => {
    state.values[l.key] = value;
    delete state.errors['levers.' + l.key];
    if (slider && !Number.isNaN(Number(value))) slider.value = value;
    updateRow(row, l);
    scheduleRun();
  });
  control.append(input);
  if (l.dimension === 'share' && !l.choices.length && input.classList.contains('number')) {
    slider = el('input', { type: 'range', min: l.min, max: l.max, step: l.max > 10 ? 0.5 : 0.01, value: input.value,
      'aria-label': l.key, tabindex: -1,
      oninput: (e) => { input.value = e.target.value; state.values[l.key] = e.target.value; updateRow(row, l); scheduleRun(); } });
    control.append(slider);
  }
  if (l.unit) control.append(el('span', { class: 'unit', text: l.unit }));
  control.append(el('span', { class: 'range', text: `${t('range')} ${rangeText(l)}; ${t('default')} ${l.default_text}` }));
  control.append(el('button', { class: 'link reset', text: t('reset'), hidden: !changed, tabindex: -1,
    onclick: () => { state.values[l.key] = l.value_text; delete state.errors['levers.' + l.key]; renderLevers(); scheduleRun(); } }));
  row.append(control);
  row.append(el('div', { class: 'err', text: err || '' }));
  row.append(zoneControls(l, row));
  return row;
}

// Per-zone values: a box per zone, empty where the zone follows the region-wide value. A zone
// with its own value in the scenario overrides the region-wide box, which then does not move it:
// the row says so.
function zoneControls(l, row) {
  const sc = state.scenario;
  const own = Object.keys(l.zones || {});
  const values = state.zoneValues[l.key] || (state.zoneValues[l.key] = {});
  const edited = sc.zones.filter((z) => String(values[z.id] ?? '').trim() !== '' && isChanged(l, values[z.id], (l.zones || {})[z.id] ?? ''));
  const details = el('details', { class: 'zones' + (own.length ? ' overridden' : '') });
  if (state.openZones.has(l.key) || edited.length) details.open = true;
  details.addEventListener('toggle', () => { if (details.open) state.openZones.add(l.key); else state.openZones.delete(l.key); });
  const summary = own.length
    ? t('zone_note', { z: own.map((z) => zoneName(sc.zones.find((x) => x.id === z) || { id: z })).join(state.lang === 'zh' ? '、' : ', ') })
    : t('zone_none');
  details.append(el('summary', { text: summary }));
  for (const z of sc.zones) {
    const orig = (l.zones || {})[z.id];
    const v = values[z.id] ?? '';
    const key = zoneKey(z.id, l.key);
    const zChanged = String(v).trim() !== '' && isChanged(l, v, orig ?? '');
    const zErr = errText(state.errors[key]) || (String(v).trim() === '' ? null : checkValue(l, v).error);
    const zrow = el('div', { class: 'zone' + (orig !== undefined ? ' own' : '') + (zChanged ? ' changed' : '') + (zErr ? ' invalid' : ''), 'data-zone': z.id });
    zrow.append(el('span', { class: 'zname', text: zoneName(z) }));
    const box = valueBox(l, v, key, (value) => {
      values[z.id] = value;
      delete state.errors[key];
      const ch = String(value).trim() !== '' && isChanged(l, value, orig ?? '');
      const e2 = String(value).trim() === '' ? null : checkValue(l, value).error;
      zrow.classList.toggle('changed', ch);
      zrow.classList.toggle('invalid', !!e2);
      zrow.querySelector('.err').textContent = e2 || '';
      scheduleRun();
    }, { placeholder: orig === undefined ? t('zone_follows') : orig });
    zrow.append(box);
    if (l.unit) zrow.append(el('span', { class: 'unit', text: l.unit }));
    zrow.append(el('span', { class: 'tag', text: orig !== undefined ? t('zone_own', { v: orig }) : t('zone_region') }));
    zrow.append(el('div', { class: 'err', text: zErr || '' }));
    details.append(zrow);
  }
  return details;
}

function updateRow(row, l) {
  const cur = state.values[l.key];
  const changed = isChanged(l, cur, l.value_text);
  const local = checkValue(l, cur);
  const err = errText(state.errors['levers.' + l.key]) || local.error;
  row.classList.toggle('changed', changed);
  row.classList.toggle('invalid', !!err);
  row.querySelector(':scope > .err').textContent = err || '';
  row.querySelector(':scope > .control .reset').hidden = !changed;
}

// ---- runs ------------------------------------------------------------------------------------

function scheduleRun() {
  clearTimeout(state.timer);
  if (!$('#autorun').checked) return;
  state.timer = setTimeout(run, 450);
}

function setStatus(text, error = false, key = null, args = null) {
  state.status = key ? { key, args, error } : null;
  const s = $('#status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

async function run() {
  const sc = state.scenario;
  if (!sc) return;
  clearTimeout(state.timer);
  // Refuse locally what is certainly wrong (the server checks everything again).
  const bad = sc.levers.filter((l) => checkValue(l, state.values[l.key]).error ||
    sc.zones.some((z) => String((state.zoneValues[l.key] || {})[z.id] ?? '').trim() !== '' &&
      checkValue(l, state.zoneValues[l.key][z.id]).error));
  if (bad.length) { setStatus(t('failed') + ': ' + bad.map((l) => l.key).join(', '), true); return; }
  const seed = $('#seed').value.trim();
  if (seed !== '' && !/^[0-9]{1,20}$/.test(seed)) { setStatus(t('seed_bad'), true); return; }
  if (state.controller) state.controller.abort();  // the server cancels the abandoned run
  const controller = new AbortController();
  state.controller = controller;
  const seq = ++state.runSeq;
  const payload = { scenario: sc.id, overrides: changedLevers() };
  const reps = Number($('#replications').value);
  if (reps) payload.replications = reps;
  // The seed spans the unsigned 64-bit range: written into the JSON as its digits, never through
  // a JS Number (exact only up to 2^53).
  const body = JSON.stringify(payload).slice(0, -1) + (seed !== '' ? `,"seed":${seed.replace(/^0+(?=[0-9])/, '')}` : '') + '}';
  $('#run').disabled = true;
  $('#results-panel').classList.add('busy');
  setStatus(t('running'));
  try {
    for (let attempt = 0; ; ++attempt) {
      const r = await api('/api/run', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body, signal: controller.signal });
      if (seq !== state.runSeq) return;
      if ((r.status === 429 || r.status === 503) && attempt < 20) {
        setStatus(t('queued'));
        await new Promise((ok) => setTimeout(ok, 1000 * (r.retryAfter || 1)));
        if (seq !== state.runSeq) return;
        continue;
      }
      if (r.status === 400) {
        state.errors = {};
        for (const d of r.body.diagnostics || []) {
          // "levers.rd_subsidy_rate.2021" belongs to the lever rd_subsidy_rate.
          // "zones.qingyuan.levers.land_quota_mu.2022" belongs to that zone's box.
          const p = (d.key_path || '').split('.');
          const n = p[0] === 'levers' ? 2 : p[0] === 'zones' && p[2] === 'levers' ? 4 : p.length;
          const key = p.slice(0, n).join('.');
          state.errors[key] = { prefix: p.length > n ? p.slice(n).join('.') + ': ' : '', message: d.message, hint: d.hint };
        }
        showErrors(r.body);
        renderLevers();
        setStatus(t('failed'), true);
        return;
      }
      if (r.status !== 200) { showErrors(r.body); setStatus(t('failed') + ` (${r.status})`, true); return; }
      state.errors = {};
      showErrors(null);
      state.result = r.body.run;
      state.baseline = r.body.baseline;
      state.lastSeconds = r.body.run.seconds;
      // A slow scenario runs on demand (more than 3 s; ?slow=SECONDS sets the limit).
      if (state.lastSeconds > (Number(new URLSearchParams(location.search).get('slow')) || 3)) $('#autorun').checked = false;
      setStatus(t('done', { s: r.body.run.seconds.toFixed(2) }), false, 'done', { s: r.body.run.seconds.toFixed(2) });
      renderResults();
      return;
    }
  } catch (e) {
    if (e.name !== 'AbortError') setStatus(t('failed') + ': ' + e.message, true);
  } finally {
    if (seq === state.runSeq) {
      $('#run').disabled = false;
      $('#results-panel').classList.remove('busy');
      state.controller = null;
    }
  }
}

const errText = (e) => (!e ? '' : typeof e === 'string' ? e : e.prefix + serverText(e.message) + (e.hint ? ' — ' + serverText(e.hint) : ''));

function showErrors(body) {
  state.errorBody = body;
  const box = $('#errors');
  if (!body) { box.hidden = true; box.replaceChildren(); return; }
  const items = (body.diagnostics || []).map((d) => el('li', {},
    el('code', { text: d.key_path || d.file }), ' ', serverText(d.message),
    d.hint ? el('span', { class: 'muted', text: ' — ' + serverText(d.hint) }) : null));
  box.replaceChildren(el('strong', { text: items.length ? t('invalid') : (body.error ? serverText(body.error) : t('failed')) }),
    items.length ? el('ul', {}, ...items) : null);
  box.hidden = false;
}

// ---- results ---------------------------------------------------------------------------------

function probClass(p) { return p >= 0.8 ? 'p-hi' : p >= 0.4 ? 'p-mid' : 'p-lo'; }
// P(met) coloured continuously from red (0 %) through amber (50 %) to green (100 %); the reports
// use the same scale (zonesim_analysis/html_page.py, p_colour).
function probColour(p) {
  const stops = [[0, [207, 34, 46]], [0.5, [154, 103, 0]], [1, [26, 127, 55]]];
  const x = Math.min(1, Math.max(0, Number(p) || 0));
  const k = x <= 0.5 ? 0 : 1;
  const [x0, c0] = stops[k], [x1, c1] = stops[k + 1];
  const f = (x - x0) / (x1 - x0);
  return 'rgb(' + c0.map((c, i) => Math.round(c + (c1[i] - c) * f)).join(',') + ')';
}

function renderResults() {
  const r = state.result, b = state.baseline;
  const tbody = $('#targets tbody');
  if (!r) {
    tbody.replaceChildren();
    $('#fans').replaceChildren();
    $('#budget tbody').replaceChildren();
    $('#budget-chart').replaceChildren();
    $('#run-info').textContent = '';
    $('#command').textContent = '';
    return;
  }
  const overrides = Object.keys(r.overrides).length;
  $('#run-info').textContent = t('run_info', { n: r.replications, seed: r.seed_text ?? r.seed, y0: r.base_year, y1: r.end_year,
    t: r.seconds.toFixed(2) }) + (overrides ? '' : ' ' + t('no_change'));
  tbody.replaceChildren(...r.targets.map((tg, i) => {
    const bt = b && b.targets[i];
    const dp = bt ? tg.probability - bt.probability : 0;
    const dm = bt ? tg.mean - bt.mean : 0;
    const label = state.lang === 'zh' ? tg.label_zh : tg.label_en;
    return el('tr', { 'data-target': tg.id },
      el('td', {}, label, el('span', { class: 'tid', text: tg.id })),
      el('td', { text: String(tg.year) }),
      el('td', { class: 'goal', text: `${tg.op} ${withUnit(tg.goal, tg.unit)}` }),
      el('td', { class: 'mean', text: withUnit(tg.mean, tg.unit) }),
      el('td', { class: 'band', text: `${fmt(tg.p05)} – ${fmt(tg.p95)}` }),
      el('td', { class: 'prob ' + probClass(tg.probability), style: `color:${probColour(tg.probability)}`, text: pct(tg.probability) }),
      el('td', { class: 'base-prob', text: bt ? pct(bt.probability) : '–' }),
      el('td', { class: 'delta ' + (dp > 0 ? 'up' : dp < 0 ? 'down' : '') },
        el('div', { text: bt ? signed(100 * dp) + ' pp' : '–' }),
        el('div', { class: 'muted', text: bt ? signed(dm) + (tg.unit ? ' ' + tg.unit : '') : '' })));
  }));
  $('#fans').replaceChildren(...r.targets.map((tg, i) => fanChart(r, tg, b && b.targets[i])));
  renderBudget(r, b);
  $('#dl-h5').href = r.files.h5;
  $('#dl-h5').setAttribute('download', r.id + '.h5');
  $('#dl-report').href = r.files.report + '?lang=' + state.lang;
  $('#command').textContent = r.command;
}

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function niceTicks(lo, hi, n = 4) {
  const span = hi - lo || Math.abs(hi) || 1;
  const step0 = span / n, mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= step0);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(+v.toPrecision(10));
  return out;
}

function fanChart(r, tg, bt) {
  const W = 360, H = 210, L = 48, R = 20, Tp = 10, B = 26;
  const years = r.years, f = tg.fan;
  const vals = [...f.p05, ...f.p95, tg.goal, ...(bt ? bt.fan.p50 : [])].filter((v) => Number.isFinite(v));
  let lo = Math.min(...vals), hi = Math.max(...vals);
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
  lo -= pad; hi += pad;
  if (lo < 0 && Math.min(...vals) >= 0) lo = 0;
  const x = (i) => L + (W - L - R) * (years.length > 1 ? i / (years.length - 1) : 0.5);
  const y = (v) => Tp + (H - Tp - B) * (1 - (v - lo) / (hi - lo));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': tg.id });
  for (const v of niceTicks(lo, hi)) {
    svg.append(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#eef1f4' }));
    svg.append(s('text', { x: L - 5, y: y(v) + 4, 'text-anchor': 'end' }, fmt1(v)));
  }
  years.forEach((yr, i) => svg.append(s('text', { x: x(i), y: H - 8, 'text-anchor': 'middle' }, String(yr))));
  const area = (a, b) => 'M' + a.map((v, i) => `${x(i)},${y(v)}`).join('L') +
    'L' + b.map((v, i) => `${x(i)},${y(v)}`).reverse().join('L') + 'Z';
  const line = (a) => 'M' + a.map((v, i) => `${x(i)},${y(v)}`).join('L');
  svg.append(s('path', { d: area(f.p05, f.p95), fill: '#cfe0fb' }));
  svg.append(s('path', { d: area(f.p25, f.p75), fill: '#8fb5f3' }));
  if (bt) svg.append(s('path', { d: line(bt.fan.p50), fill: 'none', stroke: '#7a7a7a', 'stroke-width': 1.5, 'stroke-dasharray': '4 3' }));
  svg.append(s('path', { d: line(f.p50), fill: 'none', stroke: '#1f4fa8', 'stroke-width': 2 }));
  const ti = years.indexOf(tg.year);
  svg.append(s('line', { x1: L, x2: W - R, y1: y(tg.goal), y2: y(tg.goal), stroke: '#cf222e', 'stroke-width': 1.5, 'stroke-dasharray': '6 4' }));
  if (ti >= 0) {
    svg.append(s('line', { x1: x(ti), x2: x(ti), y1: Tp, y2: H - B, stroke: '#cf222e', 'stroke-opacity': 0.35 }));
    svg.append(s('circle', { cx: x(ti), cy: y(tg.goal), r: 3.5, fill: '#cf222e' }));
  }
  svg.append(s('text', { x: W - R, y: y(tg.goal) - 5, 'text-anchor': 'end', fill: '#cf222e' },
    `${tg.op} ${withUnit(tg.goal, tg.unit)}`));
  const label = state.lang === 'zh' ? tg.label_zh : tg.label_en;
  return el('div', { class: 'fan', 'data-fan': tg.id },
    el('h3', { text: `${label} (${tg.unit || '#'}) · ${t('pmet')} ${pct(tg.probability)}` }), svg);
}

const PALETTE = ['#1f6feb', '#8250df', '#bf8700', '#1a7f37', '#cf222e', '#0a7ea4', '#d4580b', '#6e7781', '#a40e26'];

function renderBudget(r, b) {
  const items = r.spending.items;
  const rows = items.map((it, k) => {
    const bt = b ? b.spending.items[k].total : null;
    if (it.total === 0 && (!bt || bt === 0)) return null;
    const d = bt === null ? null : it.total - bt;
    return el('tr', { 'data-spend': it.key },
      el('td', {}, el('span', { class: 'sw', style: `display:inline-block;width:10px;height:10px;margin-right:6px;background:${PALETTE[k % PALETTE.length]}` }),
        state.lang === 'zh' ? it.zh : it.en),
      el('td', { text: withUnit(it.total, r.spending.unit) }),
      el('td', { text: bt === null ? '–' : withUnit(bt, r.spending.unit) }),
      el('td', { class: d > 0 ? 'down' : d < 0 ? 'up' : '', text: d === null ? '–' : signed(d) + ' ' + r.spending.unit }));
  }).filter(Boolean);
  const bd = b ? r.spending.total - b.spending.total : null;
  rows.push(el('tr', { class: 'total' }, el('td', {}, el('strong', { text: t('total') })),
    el('td', {}, el('strong', { text: withUnit(r.spending.total, r.spending.unit) })),
    el('td', { text: b ? withUnit(b.spending.total, r.spending.unit) : '–' }),
    el('td', { class: bd > 0 ? 'down' : bd < 0 ? 'up' : '', text: bd === null ? '–' : signed(bd) + ' ' + r.spending.unit })));
  $('#budget tbody').replaceChildren(...rows);

  // Stacked bars per year (this run), with the baseline's total as a marker.
  const W = 720, H = 200, L = 48, R = 20, Tp = 16, B = 26;
  const years = r.years;
  const totals = r.spending.total_per_year;
  const hi = Math.max(...totals, ...(b ? b.spending.total_per_year : [0])) * 1.1 || 1;
  const bw = (W - L - R) / years.length * 0.6;
  const x = (i) => L + (W - L - R) * (i + 0.5) / years.length;
  const y = (v) => Tp + (H - Tp - B) * (1 - v / hi);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'budget' });
  for (const v of niceTicks(0, hi)) {
    svg.append(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#eef1f4' }));
    svg.append(s('text', { x: L - 5, y: y(v) + 4, 'text-anchor': 'end' }, fmt1(v)));
  }
  years.forEach((yr, i) => {
    let acc = 0;
    items.forEach((it, k) => {
      const v = it.per_year[i];
      if (!v) return;
      const rect = s('rect', { x: x(i) - bw / 2, width: bw, y: y(acc + v), height: Math.max(0, y(acc) - y(acc + v)), fill: PALETTE[k % PALETTE.length] });
      rect.append(s('title', {}, `${yr} ${state.lang === 'zh' ? it.zh : it.en}: ${withUnit(v, r.spending.unit)}`));
      svg.append(rect);
      acc += v;
    });
    if (b) {
      const bv = b.spending.total_per_year[i];
      svg.append(s('line', { x1: x(i) - bw / 2 - 4, x2: x(i) + bw / 2 + 4, y1: y(bv), y2: y(bv), stroke: '#1d2733', 'stroke-width': 2, 'stroke-dasharray': '3 2' }));
    }
    svg.append(s('text', { x: x(i), y: H - 8, 'text-anchor': 'middle' }, String(yr)));
  });
  svg.append(s('text', { x: L, y: 11 }, t('per_year') + (b ? ' — - - ' + t('total_base') : '')));
  $('#budget-chart').replaceChildren(svg);
}

// ---- save as scenario ------------------------------------------------------------------------

function yamlString(v) { return '"' + String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'; }

function scenarioYaml() {
  const sc = state.scenario;
  const changed = changedLevers();
  const lines = [
    `# Saved from the zonesim planner's page (zonesim serve) on ${new Date().toISOString().slice(0, 10)}.`,
    `# Extends ${sc.id}.yaml and sets only the levers changed on the page; keep it beside that file:`,
    `#   zonesim run ${sc.id}-planner.yaml`,
    `extends: ${sc.id}.yaml`,
    `name: ${sc.name}-planner`,
    'title:',
    `  en: ${yamlString((sc.title.en || sc.name) + ' (' + T.en.saved_title + ')')}`,
    `  zh: ${yamlString((sc.title.zh || sc.name) + '(' + T.zh.saved_title + ')')}`,
  ];
  const keys = Object.keys(changed);
  const region = keys.filter((k) => k.startsWith('levers.'));
  const zones = {};
  for (const k of keys.filter((k) => k.startsWith('zones.'))) {
    const [, z, , lever] = k.split('.');
    (zones[z] = zones[z] || []).push(`      ${lever}: ${changed[k]}`);
  }
  if (region.length) {
    lines.push('levers:');
    for (const k of region) lines.push(`  ${k.slice('levers.'.length)}: ${changed[k]}`);
  }
  if (Object.keys(zones).length) {
    // Mappings merge key by key with the base file: only these zone levers change.
    lines.push('zones:');
    for (const [z, ls] of Object.entries(zones)) lines.push(`  ${z}:`, '    levers:', ...ls);
  }
  if (!keys.length) lines.push('# (no lever changed: this is the base scenario)');
  return lines.join('\n') + '\n';
}

function saveYaml() {
  if (!state.scenario) return;
  const blob = new Blob([scenarioYaml()], { type: 'application/x-yaml' });
  const a = el('a', { href: URL.createObjectURL(blob), download: `${state.scenario.id}-planner.yaml` });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

// ---- start -----------------------------------------------------------------------------------

async function main() {
  const params = new URLSearchParams(location.search);
  if (params.get('lang') === 'en' || params.get('lang') === 'zh') state.lang = params.get('lang');
  document.querySelectorAll('.lang button').forEach((b) => b.addEventListener('click', () => setLanguage(b.dataset.lang)));
  $('#run').addEventListener('click', run);
  $('#scenario').addEventListener('change', (e) => loadScenario(e.target.value));
  $('#replications').addEventListener('change', scheduleRun);
  $('#seed').addEventListener('change', scheduleRun);
  $('#lever-filter').addEventListener('input', renderLevers);
  $('#reset-all').addEventListener('click', () => {
    for (const l of state.scenario.levers) state.values[l.key] = l.value_text;
    state.errors = {};
    renderLevers();
    scheduleRun();
  });
  $('#save-yaml').addEventListener('click', saveYaml);
  const { body } = await api('/api/scenarios');
  state.scenarios = body.scenarios || [];
  applyLanguage();
  const wanted = params.get('scenario');
  const first = state.scenarios.find((s) => s.id === wanted) || state.scenarios.find((s) => s.id === 'demo') || state.scenarios[0];
  if (first) {
    $('#scenario').value = first.id;
    await loadScenario(first.id);
  }
}

main();
