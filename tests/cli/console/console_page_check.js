// Loads every view of `samsa console` in headless Chromium (puppeteer-core),
// checks that it shows the data the C++ test created, saves a screenshot per
// view, and fails on any JavaScript error or console error.
//
//   node console_page_check.js <console url> <screenshot dir> '<expectations json>'
//
// Expectations: {topic, record_text, header_text, group, lag, topology, topology_node, topology_rate,
//                paste_name, paste_text, paste_node}
// Exit 0 when every check passed; otherwise the failures on stderr, exit 1.
'use strict';
const path = require('path');
const fs = require('fs');
const puppeteer = require('puppeteer-core');

const [url, shotDir, expectText] = process.argv.slice(2);
const want = JSON.parse(expectText);
const failures = [];
const consoleErrors = [];
let expectHttpErrors = false;  // the bad-input steps make the browser log their 4xx answers

function fail(view, message) {
  failures.push(`${view}: ${message}`);
}

async function waitLoaded(page, hash) {
  await page.waitForFunction(h => document.body.dataset.loaded === h, { timeout: 15000 }, hash);
}

async function visit(page, name, hash) {
  await page.goto(url + hash, { waitUntil: 'load' });
  // A hash change on the same document does not reload: route() runs on hashchange.
  await waitLoaded(page, hash);
  const text = await page.evaluate(() => document.getElementById('view').textContent);
  const error = await page.evaluate(() => {
    const box = document.getElementById('error');
    return box.hidden ? '' : box.textContent;
  });
  await page.screenshot({ path: path.join(shotDir, name + '.png'), fullPage: true });
  return { text, error };
}

function expectShown(view, shown, ...parts) {
  if (shown.error) fail(view, 'error shown: ' + shown.error);
  for (const p of parts) if (!shown.text.includes(String(p))) fail(view, `does not show '${p}'`);
}

(async () => {
  fs.mkdirSync(shotDir, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    page.on('console', msg => {
      if (msg.type() !== 'error') return;
      if (expectHttpErrors && /Failed to load resource/.test(msg.text())) return;
      consoleErrors.push(msg.text());
    });
    page.on('pageerror', err => consoleErrors.push('page error: ' + err.message));

    let s = await visit(page, 'topics', '#/topics');
    expectShown('topics', s, want.topic);

    s = await visit(page, 'topic', '#/topics/' + want.topic);
    expectShown('topic', s, 'Partitions', 'Configs', 'Start offset');
    if (!s.text.includes('browse')) fail('topic', 'no record browser link');

    s = await visit(page, 'records', `#/topics/${want.topic}/records?partition=0`);
    expectShown('records', s, want.record_text, want.header_text);

    s = await visit(page, 'records-text', `#/topics/${want.topic}/records?partition=0&offset=1&limit=1&format=text`);
    expectShown('records-text', s, 'from offset 1');
    if (!(await page.$('a[data-testid=next-page]'))) fail('records-text', 'no link to the next page');

    s = await visit(page, 'groups', '#/groups');
    expectShown('groups', s, want.group);

    s = await visit(page, 'group', '#/groups/' + want.group);
    expectShown('group', s, want.topic, 'Total lag');
    const lag = await page.$eval('[data-testid=total-lag]', e => e.textContent);
    if (lag !== String(want.lag)) fail('group', `total lag shows ${lag}, expected ${want.lag}`);
    // The console samples lag in the background; the page refreshes every 5 s.
    try {
      await page.waitForSelector('[data-testid=lag-chart] polyline', { timeout: 15000 });
    } catch (e) {
      fail('group', 'the lag chart has no line');
    }

    s = await visit(page, 'brokers', '#/brokers');
    expectShown('brokers', s, want.bootstrap_host);
    s = await visit(page, 'broker-configs', '#/brokers/1');
    expectShown('broker-configs', s, 'log.retention');

    s = await visit(page, 'streams', '#/streams');
    expectShown('streams', s, want.topology);

    s = await visit(page, 'topology', '#/streams/' + want.topology);
    expectShown('topology', s, want.topology_node);
    const drawn = await page.$$eval('[data-testid=topology] g.node', nodes => nodes.map(n => n.getAttribute('data-node')));
    if (!drawn.includes(want.topology_node)) fail('topology', `node ${want.topology_node} is not drawn`);
    if (!drawn.some(id => id.endsWith('-repartition'))) fail('topology', 'no repartition topic node');
    if (!(await page.$('[data-testid=topology] path.edge'))) fail('topology', 'no edges drawn');
    // Records/s per node from the application's metrics (--metrics), summed over its tasks.
    const rate = await page.$$eval(`[data-testid=topology] g.node[data-node="${want.topology_node}"] text.rate`,
      r => r.map(t => t.textContent));
    if (rate.length !== 1 || rate[0] !== want.topology_rate) {
      fail('topology', `node ${want.topology_node} shows rate ${JSON.stringify(rate)}, want ${want.topology_rate}`);
    }
    const rateSource = await page.$eval('[data-testid=metrics-source]', e => e.textContent).catch(() => '');
    if (!rateSource.includes('/metrics')) fail('topology', `no metrics source line ('${rateSource}')`);

    // Bad input: a clear message in the page, no crash, no script error.
    expectHttpErrors = true;
    s = await visit(page, 'unknown-topic', '#/topics/no-such-topic');
    if (!s.error.includes('does not exist')) fail('unknown-topic', `error box says '${s.error}'`);
    s = await visit(page, 'bad-offset', `#/topics/${want.topic}/records?partition=0&offset=999999`);
    if (!s.error.includes('past the end')) fail('bad-offset', `error box says '${s.error}'`);

    await visit(page, 'paste-form', '#/streams');
    await page.type('input[name=name]', 'garbage-app');
    await page.$eval('textarea[name=text]', e => { e.value = 'this is not a topology'; });
    await page.click('button[type=submit]');
    await page.waitForFunction(() => !document.getElementById('error').hidden, { timeout: 10000 });
    const pasteError = await page.$eval('#error', e => e.textContent);
    if (!pasteError.includes('line 1')) fail('paste-garbage', `error box says '${pasteError}'`);
    await page.screenshot({ path: path.join(shotDir, 'paste-garbage.png'), fullPage: true });
    expectHttpErrors = false;

    // A good paste is drawn.
    await page.$eval('input[name=name]', e => { e.value = ''; });
    await page.type('input[name=name]', want.paste_name);
    await page.$eval('textarea[name=text]', (e, t) => { e.value = t; }, want.paste_text);
    await page.click('button[type=submit]');
    await waitLoaded(page, '#/streams/' + want.paste_name);
    const pasted = await page.$$eval('[data-testid=topology] g.node', nodes => nodes.map(n => n.getAttribute('data-node')));
    if (!pasted.includes(want.paste_node)) fail('paste', `node ${want.paste_node} is not drawn`);
    await page.screenshot({ path: path.join(shotDir, 'topology-pasted.png'), fullPage: true });
  } finally {
    await browser.close();
  }
  for (const e of consoleErrors) fail('console', e);
  if (failures.length) {
    console.error(failures.join('\n'));
    process.exit(1);
  }
  console.log('all views checked; screenshots in ' + shotDir);
})().catch(err => {
  console.error('page check crashed: ' + (err && err.stack || err));
  process.exit(1);
});
