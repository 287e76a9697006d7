// End-to-end test of the planner's page in headless Debian Chromium (playwright-core, no
// downloaded browser): open the page, change a lever, run, compare the target table with what
// `zonesim run` prints for the same overrides and seed, save as scenario, check a refused value,
// take screenshots (English and Chinese). Bounded in time; the server is killed at the end.
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const here = path.dirname(new URL(import.meta.url).pathname);
const ZONESIM = process.env.ZONESIM || 'zonesim';
const SOURCE = process.env.ZONESIM_SOURCE_DIR || path.resolve(here, '..', '..');
const CHROMIUM = process.env.ZONESIM_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.SCREENSHOT_DIR || path.join(here, 'screenshots');
const DOCS_IMG = process.env.DOCS_IMG || '';  // also write the docs' screenshots here
const REPS = 30;
const RD = '30';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zonesim-browser-'));
const killer = setTimeout(() => { console.error('browser test: timed out'); cleanup(); process.exit(1); }, 150000);
let server = null, context = null;

function cleanup() {
  if (server && server.exitCode === null) server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
// Never leave the server behind, whatever happens.
process.on('exit', () => { if (server && server.exitCode === null) server.kill('SIGKILL'); });
process.on('unhandledRejection', (e) => { console.error('browser test: FAILED:', e); process.exit(1); });

function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn(ZONESIM, ['serve', '--port', '0', '--scenarios', path.join(SOURCE, 'scenarios'),
      '--output', path.join(tmp, 'out'), '--quiet'], { cwd: SOURCE, stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    server.stdout.on('data', (d) => {
      text += d;
      const m = text.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error('zonesim serve exited with ' + code)));
    setTimeout(() => reject(new Error('zonesim serve did not start')), 20000);
  });
}

function fmt(v) {
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

// The table `zonesim run` prints: {id: {mean, prob}}.
function cliTable(scenario, sets, cwd = SOURCE) {
  const args = ['run', scenario, '-o', path.join(tmp, `cli-${Date.now()}.h5`), '-r', String(REPS), '--seed', '20201', '--quiet'];
  for (const s of sets) args.push('--set', s);
  const out = execFileSync(ZONESIM, args, { cwd, encoding: 'utf8' });
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('target '));
  const rows = {};
  for (const line of lines.slice(start + 2)) {
    if (!line.trim() || line.startsWith('  ')) break;
    const c = line.trim().split(/\s{2,}/);
    rows[c[0]] = { mean: c[3], prob: c[6] };
  }
  return rows;
}

async function pageTable(page) {
  return page.$$eval('#targets tbody tr', (trs) => Object.fromEntries(trs.map((tr) => [tr.dataset.target, {
    mean: tr.querySelector('.mean').textContent, prob: tr.querySelector('.prob').textContent,
    base: tr.querySelector('.base-prob').textContent }])));
}

try {
  const port = await startServer();
  const origin = `http://127.0.0.1:${port}`;
  fs.mkdirSync(SHOTS, { recursive: true });
  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM, headless: true, acceptDownloads: true, viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const page = await context.newPage();
  const foreign = [];
  const pageErrors = [];
  page.on('request', (r) => { const u = r.url(); if (!u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')) foreign.push(u); });
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await page.goto(`${origin}/?scenario=demo&lang=en`);
  await page.waitForSelector('#targets tbody tr[data-target=output]');
  // The baseline run of the page's own size, then the lever.
  await page.fill('#replications', String(REPS));
  await page.dispatchEvent('#replications', 'change');
  await page.waitForFunction((n) => document.querySelector('#run-info').textContent.startsWith(n + ' '), REPS);
  const runDone = page.waitForResponse((r) => r.url().endsWith('/api/run') && r.status() === 200 &&
    (r.request().postData() || '').includes('rd_subsidy_rate'));
  await page.fill('[data-lever=rd_subsidy_rate] input.schedule', RD);
  await runDone;
  await page.waitForFunction(() => document.querySelector('#command').textContent.includes('rd_subsidy_rate=30'));
  const shown = await pageTable(page);
  const cli = cliTable('scenarios/demo.yaml', [`levers.rd_subsidy_rate=${RD} %`]);
  const cliBase = cliTable('scenarios/demo.yaml', []);
  for (const [id, row] of Object.entries(cli)) {
    assert.equal(shown[id].mean, row.mean, `mean of ${id}`);
    assert.equal(shown[id].prob, row.prob, `P(met) of ${id}`);
    assert.equal(shown[id].base, cliBase[id].prob, `baseline P(met) of ${id}`);
  }
  assert.equal(await page.locator('.fan svg').count(), Object.keys(cli).length);
  assert.ok(await page.locator('#budget tbody tr[data-spend=rd_subsidy]').count() === 1);
  await page.screenshot({ path: path.join(SHOTS, 'planner-en.png'), fullPage: true });

  // Save as scenario: a YAML file that extends the base and sets the changed lever; it runs.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save-yaml')]);
  const dir = path.join(tmp, 'saved');
  fs.mkdirSync(dir);
  fs.copyFileSync(path.join(SOURCE, 'scenarios', 'demo.yaml'), path.join(dir, 'demo.yaml'));
  const saved = path.join(dir, download.suggestedFilename());
  await download.saveAs(saved);
  const yaml = fs.readFileSync(saved, 'utf8');
  assert.match(yaml, /^extends: demo\.yaml$/m);
  assert.match(yaml, /^  rd_subsidy_rate: 30 %$/m);
  const fromFile = cliTable(saved, []);
  for (const [id, row] of Object.entries(cli)) assert.equal(fromFile[id].prob, row.prob, `saved scenario: ${id}`);

  // Chinese.
  await page.click('#lang-zh');
  await page.waitForFunction(() => document.querySelector('#levers').textContent.includes('研发财政补助比例'));
  assert.equal(await page.locator('th[data-i18n=pmet]').textContent(), '达成概率');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, 'planner-zh.png'), fullPage: false });

  // A value the server refuses: the diagnostic appears at the lever, with its key path.
  await page.click('#lang-en');
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/run') && r.status() === 400);
  refused.catch(() => {});
  await page.fill('[data-lever=land_quota_mu] input.number', '-5');  // refused locally (range)
  assert.ok((await page.locator('[data-lever=land_quota_mu] .err').textContent()).length > 0);
  await page.fill('[data-lever=land_quota_mu] input.number', '800');
  await page.fill('[data-lever=rd_subsidy_rate] input.number', '{2021: 130 %}');
  await page.dispatchEvent('[data-lever=rd_subsidy_rate] input.number', 'change');
  await page.click('#run');
  await refused;
  await page.waitForSelector('#errors:not([hidden])');
  assert.match(await page.locator('#errors').textContent(), /levers\.rd_subsidy_rate/);
  assert.ok((await page.locator('[data-lever=rd_subsidy_rate] .err').textContent()).length > 0);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, 'planner-error.png'), fullPage: false });

  if (DOCS_IMG) {
    for (const f of ['planner-en.png', 'planner-zh.png', 'planner-error.png']) fs.copyFileSync(path.join(SHOTS, f), path.join(DOCS_IMG, f));
  }
  assert.deepEqual(foreign, [], 'the page must work offline');
  assert.deepEqual(pageErrors, []);
  console.log('browser test: ok; table matches `zonesim run`; screenshots in ' + SHOTS);
  await context.close();
  clearTimeout(killer);
  cleanup();
} catch (e) {
  console.error('browser test: FAILED:', e);
  if (context) {
    try {
      const p = context.pages()[0];
      if (p) await p.screenshot({ path: path.join(SHOTS, 'failure.png'), fullPage: true });
    } catch (_) { /* ignore */ }
    await context.close().catch(() => {});
  }
  clearTimeout(killer);
  cleanup();
  process.exit(1);
}
