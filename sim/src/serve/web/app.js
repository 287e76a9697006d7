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
    zone_note: 'zone values override this: {z}', total: 'Total', per_year: 'spending per year, 亿元',
    run_info: '{n} replications, seed {seed}, {y0}–{y1}, {t} s; change against the scenario as written (same seed).',
    no_change: 'no lever changed: this is the baseline', out_of_range: 'outside {min} … {max}',
    not_number: 'not a number', schedule_hint: 'a number, or a schedule such as {2021: 10, 2023: 20}',
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
    zone_note: '以下园区另有取值,不受此处影响:{z}', total: '合计', per_year: '每年支出(亿元)',
    run_info: '{n} 次重复,种子 {seed},{y0}–{y1} 年,用时 {t} 秒;变化相对于原情景(相同种子)。',
    no_change: '未修改任何政策杠杆:即基准情景', out_of_range: '超出范围 {min} … {max}',
    not_number: '不是数字', schedule_hint: '一个数值,或按年设定,如 {2021: 10, 2023: 20}',
    groups: { innovation: '研发与创新', land: '土地', exit: '低效企业退出', entry: '项目准入',
      talent: '人才与培训', attraction: '招商引资与金融', evaluation: '考核评价', other: '其他' },
    saved_title: '规划调整方案', years_word: '年',
  },
};

const GROUPS = [
  ['innovation', /^(rd_|hightech_income|innovation_fund|new_)/],
  ['land', /^(land_|idle_land|plot_ratio|shared_land)/],
  ['exit', /^exit_/],
  ['entry', /^entry_/],
  ['talent', /^(talent_|training)/],
  ['attraction', /^(attraction_|metropolis_|scitech_|venture_|energy_retrofit|upper_level)/],
  ['evaluation', /^(rank_|demotion_)/],
];

const state = {
  lang: 'en',
  scenarios: [], scenario: null, values: {}, errors: {}, result: null, baseline: null,
  controller: null, timer: null, lastSeconds: null, runSeq: 0,
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
  state.errors = {};
  state.result = null;
  state.baseline = null;
  for (const l of body.levers) state.values[l.key] = l.value_text;
  $('#replications').value = Math.min(body.replications, 200);
  $('#seed').value = body.seed;
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

// The value a control holds, as the API (and a scenario file) takes it, or an error.
function checkValue(l, text) {
  text = String(text).trim();
  if (l.choices.length) return l.choices.includes(text) ? { value: text } : { error: l.choices.join(' / ') };
  if (text.startsWith('{')) return { value: text };  // a schedule: the server validates it
  if (text === '' || Number.isNaN(Number(text))) {
    const m = text.match(/^(-?[0-9.eE+]+)\s*(.*)$/);
    if (m && m[2] === l.unit) return checkValue(l, m[1]);
    return { error: t('not_number') };
  }
  const v = Number(text);
  if ((l.min !== null && v < l.min) || (l.max !== null && v > l.max))
    return { error: t('out_of_range', { min: fmt1(l.min), max: l.max === null ? '∞' : fmt1(l.max) }) };
  if (l.integer && !Number.isInteger(v)) return { error: t('not_number') };
  return { value: l.unit ? `${v} ${l.unit}` : String(v) };
}

function normalized(l, text) {
  const c = checkValue(l, text);
  return c.value !== undefined ? c.value.replace(/\s+/g, ' ') : String(text);
}

function changedLevers() {
  const out = {};
  if (!state.scenario) return out;
  for (const l of state.scenario.levers) {
    const cur = state.values[l.key];
    if (normalized(l, cur) !== normalized(l, l.value_text)) {
      const c = checkValue(l, cur);
      if (c.value !== undefined) out['levers.' + l.key] = c.value;
    }
  }
  return out;
}

function renderLevers() {
  const box = $('#levers');
  const sc = state.scenario;
  if (!sc) { box.replaceChildren(); return; }
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
}

function leverRow(l) {
  const cur = state.values[l.key];
  const changed = normalized(l, cur) !== normalized(l, l.value_text);
  const local = checkValue(l, cur);
  const err = state.errors['levers.' + l.key] || local.error;
  const row = el('div', { class: 'lever' + (changed ? ' changed' : '') + (err ? ' invalid' : ''), 'data-lever': l.key });
  row.append(el('div', { class: 'label', text: state.lang === 'zh' ? l.zh : l.en }));
  row.append(el('div', { class: 'key', text: l.key + ' · ' + (state.lang === 'zh' ? l.en : l.zh) }));
  const control = el('div', { class: 'control' });
  const onInput = (value, rerender) => {
    state.values[l.key] = value;
    delete state.errors['levers.' + l.key];
    if (rerender) renderLevers(); else updateRow(row, l);
    scheduleRun();
  };
  let input;
  if (l.choices.length) {
    input = el('select', { name: l.key, onchange: (e) => onInput(e.target.value, true) },
      ...l.choices.map((c) => el('option', { value: c, text: c })));
    input.value = cur;
  } else {
    // Text, so that a schedule ({2021: 10, 2023: 20}) can be typed as well as a number.
    const schedule = String(cur).trim().startsWith('{');
    const num = schedule ? String(cur) : String(cur).replace(l.unit, '').trim();
    input = el('input', { type: 'text', inputmode: schedule ? undefined : 'decimal', name: l.key, value: num,
      title: t('schedule_hint'), class: schedule ? 'schedule' : 'number',
      oninput: (e) => { if (slider && !Number.isNaN(Number(e.target.value))) slider.value = e.target.value; onInput(e.target.value, false); },
      onchange: () => renderLevers() });
  }
  control.append(input);
  let slider = null;
  if (l.dimension === 'share' && !l.choices.length && input.classList.contains('number')) {
    slider = el('input', { type: 'range', min: l.min, max: l.max, step: l.max > 10 ? 0.5 : 0.01, value: input.value,
      'aria-label': l.key, oninput: (e) => { input.value = e.target.value; onInput(e.target.value, false); } });
    control.append(slider);
  }
  if (l.unit && !l.choices.length) control.append(el('span', { class: 'unit', text: l.unit }));
  control.append(el('span', { class: 'range', text: `${t('range')} ${rangeText(l)}; ${t('default')} ${l.default_text}` }));
  const reset = el('button', { class: 'link reset', text: t('reset'), hidden: !changed,
    onclick: () => { state.values[l.key] = l.value_text; delete state.errors['levers.' + l.key]; renderLevers(); scheduleRun(); } });
  control.append(reset);
  row.append(control);
  const zones = Object.entries(l.zones || {});
  if (zones.length) row.append(el('div', { class: 'note', text: t('zone_note', { z: zones.map(([z, v]) => `${z} ${v}`).join(', ') }) }));
  row.append(el('div', { class: 'err', text: err || '' }));
  return row;
}

function updateRow(row, l) {
  const cur = state.values[l.key];
  const changed = normalized(l, cur) !== normalized(l, l.value_text);
  const local = checkValue(l, cur);
  const err = state.errors['levers.' + l.key] || local.error;
  row.classList.toggle('changed', changed);
  row.classList.toggle('invalid', !!err);
  row.querySelector('.err').textContent = err || '';
  row.querySelector('.reset').hidden = !changed;
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
  const bad = sc.levers.filter((l) => checkValue(l, state.values[l.key]).error);
  if (bad.length) { setStatus(t('failed') + ': ' + bad.map((l) => l.key).join(', '), true); return; }
  if (state.controller) state.controller.abort();  // the server cancels the abandoned run
  const controller = new AbortController();
  state.controller = controller;
  const seq = ++state.runSeq;
  const payload = { scenario: sc.id, overrides: changedLevers() };
  const reps = Number($('#replications').value);
  if (reps) payload.replications = reps;
  const seed = $('#seed').value;
  if (seed !== '') payload.seed = Number(seed);
  $('#run').disabled = true;
  $('#results-panel').classList.add('busy');
  setStatus(t('running'));
  try {
    for (let attempt = 0; ; ++attempt) {
      const r = await api('/api/run', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(payload), signal: controller.signal });
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
          const p = (d.key_path || '').split('.');
          const key = p[0] === 'levers' && p.length > 1 ? 'levers.' + p[1] : d.key_path;
          state.errors[key] = (p.length > 2 ? p.slice(2).join('.') + ': ' : '') + d.message + (d.hint ? ' — ' + d.hint : '');
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
      if (state.lastSeconds > 3) $('#autorun').checked = false;  // slow scenario: run on demand
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

function showErrors(body) {
  const box = $('#errors');
  if (!body) { box.hidden = true; box.replaceChildren(); return; }
  const items = (body.diagnostics || []).map((d) => el('li', {},
    el('code', { text: d.key_path || d.file }), ' ', d.message, d.hint ? el('span', { class: 'muted', text: ' — ' + d.hint }) : null));
  box.replaceChildren(el('strong', { text: items.length ? t('invalid') : (body.error || t('failed')) }),
    items.length ? el('ul', {}, ...items) : null);
  box.hidden = false;
}

// ---- results ---------------------------------------------------------------------------------

function probClass(p) { return p >= 0.8 ? 'p-hi' : p >= 0.4 ? 'p-mid' : 'p-lo'; }

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
  $('#run-info').textContent = t('run_info', { n: r.replications, seed: r.seed, y0: r.base_year, y1: r.end_year,
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
      el('td', { class: 'prob ' + probClass(tg.probability), text: pct(tg.probability) }),
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
  if (keys.length) {
    lines.push('levers:');
    for (const k of keys) lines.push(`  ${k.slice('levers.'.length)}: ${changed[k]}`);
  } else {
    lines.push('# (no lever changed: this is the base scenario)');
  }
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
