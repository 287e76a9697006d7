// End-to-end test of the planner's page in headless Debian Chromium (playwright-core, no
// downloaded browser): open the page, change a lever, run, compare the target table with what
// `zonesim run` prints for the same overrides and seed, save as scenario; edit a lever and click
// straight into another box and type (the value must arrive); set one zone's land quota on the
// Qingyuan scenario (the table must equal `zonesim run --set zones.qingyuan.levers...`); a
// schedule without units on a % lever; a refused value (its message in Chinese on the Chinese
// page); a seed above 2^53. Then the reports (run, compare, sweep; English and Chinese) are
// opened in the same browser. Screenshots of all of it in SCREENSHOT_DIR. Bounded in time; the
// server is killed at the end.
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
// `page` (the planner's page), `reports` (the HTML reports in the browser) or both; ctest runs
// the two parts as serve.browser and serve.browser_reports, in parallel.
const PART = process.env.BROWSER_PART || 'all';
const RD = '30';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zonesim-browser-'));
const killer = setTimeout(() => { console.error('browser test: timed out'); cleanup(); process.exit(1); }, 540000);
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
function cliTable(scenario, sets, cwd = SOURCE, seed = '20201') {
  const args = ['run', scenario, '-o', path.join(tmp, `cli-${Date.now()}.h5`), '-r', String(REPS), '--seed', seed, '--quiet'];
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
  // The page and the reports (opened as files of the test's directory) load nothing else.
  page.on('request', (r) => { const u = r.url(); if (!u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:') && !u.startsWith('file://' + tmp + '/reports/')) foreign.push(u); });
  page.on('pageerror', (e) => pageErrors.push(e.message));

  if (PART !== 'reports') {
    // slow=600: on a loaded machine a run may take more than 3 s; re-run on change stays on.
    await page.goto(`${origin}/?scenario=demo&lang=en&slow=600`);
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

    // An edit, then a click straight into another lever's box: what is typed there arrives (the
    // first box's change event must not re-render the box the planner clicked into).
    await page.fill('[data-lever=rd_subsidy_rate] input[data-focus]', '25');
    await page.click('[data-lever=land_quota_mu] input[data-focus]');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('900');
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.dataset.focus), 'land_quota_mu',
      'the click into the second box keeps the focus');
    assert.equal(await page.inputValue('[data-lever=land_quota_mu] input[data-focus]'), '900');
    await page.waitForFunction(() => {
      const c = document.querySelector('#command').textContent;
      return c.includes('rd_subsidy_rate=25 %') && c.includes('land_quota_mu=900 mu');
    }, null, { timeout: 30000 });

    // A schedule without units on a % lever: the values are in the unit shown (%), as a plain number.
    assert.equal(await page.textContent('[data-lever=rd_subsidy_rate] .control .unit'), '%');
    await page.click('#reset-all');
    const schedRun = page.waitForResponse((r) => r.url().endsWith('/api/run') && r.status() === 200 &&
      (r.request().postData() || '').includes('{2021: 10 %, 2023: 20 %}'));
    await page.fill('[data-lever=rd_subsidy_rate] input[data-focus]', '{2021: 10, 2023: 20}');
    await schedRun;
    await page.waitForFunction(() => document.querySelector('#command').textContent.includes('{2021: 10 %, 2023: 20 %}'));
    assert.equal(await page.locator('[data-lever=rd_subsidy_rate] > .err').textContent(), '');
    const schedShown = await pageTable(page);
    const schedCli = cliTable('scenarios/demo.yaml', ['levers.rd_subsidy_rate={2021: 10 %, 2023: 20 %}']);
    for (const [id, row] of Object.entries(schedCli)) assert.equal(schedShown[id].prob, row.prob, `schedule: P(met) of ${id}`);
    // A lever of small amounts of money is shown in 万元, not as a fraction of 亿元.
    const talent = page.locator('[data-lever=talent_subsidy_per_person] .control .unit');
    if (await talent.count()) assert.equal(await talent.textContent(), '万元');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'planner-schedule.png'), fullPage: false });

    // A seed above 2^53 reaches the server exactly.
    const bigSeed = '18446744073709551615';
    await page.fill('#seed', bigSeed);
    await page.dispatchEvent('#seed', 'change');
    await page.waitForFunction((s) => document.querySelector('#command').textContent.includes('--seed ' + s), bigSeed,
      { timeout: 30000 });
    assert.match(await page.textContent('#run-info'), new RegExp('seed ' + bigSeed));
    await page.fill('#seed', '20201');
    await page.dispatchEvent('#seed', 'change');
    await page.waitForFunction(() => document.querySelector('#command').textContent.includes('--seed 20201'));

    // Chinese.
    await page.click('#lang-zh');
    await page.waitForFunction(() => document.querySelector('#levers').textContent.includes('研发财政补助比例'));
    assert.equal(await page.locator('th[data-i18n=pmet]').textContent(), '达成概率');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'planner-zh.png'), fullPage: false });

    // A value the server refuses (a schedule year outside the horizon): the diagnostic appears at
    // the lever, with its key path, in the page's language.
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/run') && r.status() === 400);
    refused.catch(() => {});
    await page.fill('[data-lever=land_quota_mu] input[data-focus]', '-5');  // refused locally (range)
    assert.ok((await page.locator('[data-lever=land_quota_mu] > .err').textContent()).length > 0);
    await page.fill('[data-lever=land_quota_mu] input[data-focus]', '800');
    await page.fill('[data-lever=rd_subsidy_rate] input[data-focus]', '{2021: 10, 2040: 20}');
    await page.click('#run');
    await refused;
    await page.waitForSelector('#errors:not([hidden])');
    assert.match(await page.locator('#errors').textContent(), /levers\.rd_subsidy_rate/);
    assert.match(await page.locator('#errors').textContent(), /2040 年不在模拟期内/);
    assert.match(await page.locator('[data-lever=rd_subsidy_rate] > .err').textContent(), /不在模拟期内/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'planner-error-zh.png'), fullPage: false });
    await page.click('#lang-en');
    assert.match(await page.locator('#errors').textContent(), /year 2040 is outside the horizon/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'planner-error.png'), fullPage: false });

    // Per zone: Qingyuan's zones set their own land quota, so the region-wide box does not move
    // them; the zone's box does, to the figures of `zonesim run --set zones.qingyuan.levers...`.
    // Its 200 replications take over 3 s, so the page stops re-running on change: press Run
    // (which also abandons the first run of 200).
    await page.goto(`${origin}/?scenario=qingyuan-hightech-2025&lang=en`);
    await page.waitForSelector('[data-lever=land_quota_mu]');
    await page.fill('#replications', String(REPS));
    await page.click('#run');
    await page.waitForFunction((n) => document.querySelector('#run-info').textContent.startsWith(n + ' '), REPS,
      { timeout: 60000 });
    const qBase = await pageTable(page);
    const summary = await page.textContent('[data-lever=land_quota_mu] details.zones summary');
    assert.match(summary, /Qingyuan|qingyuan/i, 'the row says which zones override the region-wide value');
    await page.click('[data-lever=land_quota_mu] details.zones summary');
    const zoneBox = '[data-lever=land_quota_mu] [data-zone=qingyuan] input[data-focus]';
    assert.equal(await page.inputValue(zoneBox), '{2020: 600 mu, 2022: 900 mu}');
    const ZQ = '{2020: 600, 2022: 100}';  // a tight quota from 2022: less land, less output
    const zoneRun = page.waitForResponse((r) => r.url().endsWith('/api/run') && r.status() === 200 &&
      (r.request().postData() || '').includes('zones.qingyuan.levers.land_quota_mu'), { timeout: 60000 });
    await page.fill(zoneBox, ZQ);
    await page.click('#run');
    await zoneRun;
    await page.waitForFunction(() => document.querySelector('#command').textContent.includes('zones.qingyuan.levers.land_quota_mu'));
    const zShown = await pageTable(page);
    const qSeed = await page.inputValue('#seed');
    assert.match(await page.textContent('#command'), new RegExp('--seed ' + qSeed + '$'));
    const zCli = cliTable('scenarios/qingyuan-hightech-2025.yaml', ['zones.qingyuan.levers.land_quota_mu={2020: 600 mu, 2022: 100 mu}'],
      SOURCE, qSeed);
    let moved = 0;
    for (const [id, row] of Object.entries(zCli)) {
      assert.equal(zShown[id].mean, row.mean, `zone quota: mean of ${id}`);
      assert.equal(zShown[id].prob, row.prob, `zone quota: P(met) of ${id}`);
      if (zShown[id].prob !== qBase[id].prob) moved += 1;
    }
    assert.ok(moved > 0, 'the zone\'s land quota moves the probabilities');
    await page.locator('[data-lever=land_quota_mu]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'planner-zones.png'), fullPage: false });
    await page.click('#lang-zh');
    await page.locator('[data-lever=land_quota_mu]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'planner-zones-zh.png'), fullPage: false });

  }
  if (PART !== 'page') {
    // The reports, in the same browser: run, compare and sweep, English and Chinese.
    const rdir = path.join(tmp, 'reports');
    fs.mkdirSync(rdir);
    const h5 = (name, args) => { execFileSync(ZONESIM, [...args, '-o', path.join(rdir, name), '--quiet'], { cwd: SOURCE }); return path.join(rdir, name); };
    const baseH5 = h5('base.h5', ['run', 'scenarios/qingyuan-hightech-2025.yaml', '-r', String(REPS), '--seed', '20201']);
    const altH5 = h5('alt.h5', ['run', 'scenarios/qingyuan-hightech-2025-rd30.yaml', '-r', String(REPS), '--seed', '20201',
      '--set', 'levers.talent_subsidy_per_person=0.5 万元']);
    const sweepH5 = h5('sweep.h5', ['sweep', 'scenarios/demo-sweep.yaml']);
    const reports = [
      ['report-run', [altH5]], ['report-compare', [baseH5, '--compare', altH5]], ['report-sweep', [sweepH5]]];
    for (const [name, args] of reports) {
      for (const lang of ['en', 'zh']) {
        const html = path.join(rdir, `${name}-${lang}.html`);
        execFileSync(ZONESIM, ['report', ...args, '--lang', lang, '-o', html], { cwd: SOURCE });
        await page.goto('file://' + html);
        await page.waitForFunction(() => document.documentElement.dataset.reportReady === 'yes', null, { timeout: 30000 });
        await page.screenshot({ path: path.join(SHOTS, `${name}-${lang}.png`), fullPage: true });
        // Outside the file texts (<details>) and the command lines of the provenance, the Chinese
        // report writes units in Chinese.
        const text = await page.evaluate(() => {
          const body = document.body.cloneNode(true);
          body.querySelectorAll('details, #provenance, code').forEach((e) => e.remove());
          return body.textContent;
        });
        if (lang === 'zh') assert.ok(!/\bmu\b/.test(text), `${name}: the Chinese report writes 亩, not mu`);
      }
    }
    // The run report names the policy: the alternative's R&D subsidy differs from the root scenario.
    await page.goto('file://' + path.join(rdir, 'report-run-en.html'));
    assert.ok(await page.locator('#levers tr[data-lever=rd_subsidy_rate] td.changed').count() > 0);
    assert.match(await page.textContent('#levers tr[data-lever=talent_subsidy_per_person][data-zone=all]'), /0\.5 万元/);
    assert.match(await page.textContent('#budget-total'), /亿元/);
    await page.goto('file://' + path.join(rdir, 'report-compare-en.html'));
    assert.match(await page.textContent('#changes'), /R&D|rd_subsidy/);

  }
  if (DOCS_IMG) {
    for (const f of ['planner-en.png', 'planner-zh.png', 'planner-error.png', 'planner-error-zh.png', 'planner-zones.png']) if (fs.existsSync(path.join(SHOTS, f))) fs.copyFileSync(path.join(SHOTS, f), path.join(DOCS_IMG, f));
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
      if (p) await p.screenshot({ path: path.join(SHOTS, `failure-${PART}.png`), fullPage: true });
    } catch (_) { /* ignore */ }
    await context.close().catch(() => {});
  }
  clearTimeout(killer);
  cleanup();
  process.exit(1);
}
