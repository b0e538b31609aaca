// The portal in a real headless Chromium (issue 16), driven by puppeteer-core:
// a wrong password is refused, the requester generates 1,000 employee rows as
// xlsx, downloads the workbook and shares it with a viewer, watches and cancels
// a big job; an expired session returns to the login page; the admin uploads a
// domain, manages users and sees the download in the audit log; the viewer
// finds the shared job; repeated wrong passwords are rate limited. A
// screenshot of each page goes to $BROWSER_TEST_OUT.
// Any console error, page error, failed request or error answer that the step
// does not expect fails the test.
//
// Run by tests/serve/browser_test.sh, which starts the server and afterwards
// compares the downloaded workbook with `seedforge generate` cell by cell
// (layout.json, written here, lists the columns the domain page shows).
// Environment: SEEDFORGE_URL, SEEDFORGE_NODE_TOOLS (puppeteer-core's folder),
// CHROMIUM, BROWSER_TEST_OUT, ADMIN_PASSWORD, QA_PASSWORD, VIEWER_PASSWORD, SEED, ROWS.
import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
const base = env('SEEDFORGE_URL').replace(/\/$/, '');
const out = env('BROWSER_TEST_OUT');
const seed = env('SEED');
const rows = Number(env('ROWS'));
const require = createRequire(path.join(env('SEEDFORGE_NODE_TOOLS'), 'node_modules', 'index.js'));
const puppeteer = require('puppeteer-core');

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

// Error answers the current step expects, as [method, path, status]; any other
// answer >= 400 (and the console line Chromium logs for it) is a problem.
let expected = [];
const problems = [];
const pathOf = (url) => new URL(url).pathname;
const isExpected = (method, url, status) =>
  expected.some(([m, p, s]) => (m === '*' || m === method) && p === pathOf(url) && (s === '*' || s === status));

const browser = await puppeteer.launch({
  executablePath: env('CHROMIUM'),
  headless: true,  // the new headless mode (--headless=new)
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  defaultViewport: {width: 1200, height: 820},
});
const started = Date.now();
let page = null;
try {
  page = await browser.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  // Chromium logs each error answer as a console error, sometimes after the
  // step has moved on: those are matched with the answers at the end.
  const loadErrors = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location().url || '';
    const status = /Failed to load resource: .* status of (\d+)/.exec(msg.text());
    if (url && status) loadErrors.push(`${pathOf(url)} ${status[1]}`);
    else problems.push(`console error: ${msg.text()} ${url}`);
  });
  const expectedAnswers = [];
  page.on('response', (response) => {
    const request = response.request();
    if (response.status() < 400) return;
    if (isExpected(request.method(), response.url(), response.status())) {
      expectedAnswers.push(`${pathOf(response.url())} ${response.status()}`);
    } else {
      problems.push(`${request.method()} ${pathOf(response.url())} answered ${response.status()}`);
    }
  });
  page.on('requestfailed', (request) => {
    // A download hands its response to the download manager: Chromium reports that as aborted.
    if (/\/download$/.test(pathOf(request.url())) && request.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`);
  });

  const shots = [];
  // A screenshot of the page, after checking that its every form control has
  // a label and every button a name (screen readers read them).
  async function shot(name) {
    const unlabelled = await page.$$eval('input, select, textarea, button', (els) => els
      .filter((e) => !e.closest('[hidden]') && !(e.labels && e.labels.length) && !e.getAttribute('aria-label') &&
        !e.getAttribute('aria-labelledby') && !(e.tagName === 'BUTTON' && e.textContent.trim()))
      .map((e) => e.outerHTML.slice(0, 80)));
    check(unlabelled.length === 0, `${name}: controls without a label: ${unlabelled.join(', ')}`);
    const file = path.join(out, `${name}.png`);
    await page.screenshot({path: file, fullPage: true});
    // A full-page capture leaves Chromium scrolled so that the next click's
    // mouseup can land beside its target (seen on the domain page): start over at the top.
    await page.evaluate(() => window.scrollTo(0, 0));
    shots.push([file, ((Date.now() - started) / 1000).toFixed(1)]);
  }
  async function waitHeading(text) {
    await page.waitForFunction((t) => document.querySelector('main h1')?.textContent === t, {}, text);
  }
  const textOf = (selector) => page.$eval(selector, (el) => el.textContent.trim());
  async function typeInto(selector, text) {
    await page.$eval(selector, (el) => { el.value = ''; });
    await page.type(selector, text);
  }
  // Submits with the button, or with Enter in the password field (the keyboard path).
  async function logIn(user, password, {keyboard = false} = {}) {
    await typeInto('#username', user);
    await typeInto('#password', password);
    if (keyboard) await page.keyboard.press('Enter');
    else await page.click('#login-form button[type=submit]');
  }

  // 1. The login page; a wrong password is refused with a readable message.
  expected = [['GET', '/api/session', 401]];
  await page.goto(base + '/', {waitUntil: 'load'});
  await waitHeading('Log in');
  await shot('login');
  expected.push(['POST', '/api/login', 401]);
  await logIn('qa', 'not-the-password');
  await page.waitForSelector('#login-message .error');
  const refusal = await textOf('#login-message .error');
  check(refusal.length > 5, `a wrong password shows an error (got "${refusal}")`);
  await shot('login-refused');

  // 2. The requester logs in and sees the domains.
  expected = [];
  await logIn('qa', env('QA_PASSWORD'));
  await waitHeading('Domains');
  check((await textOf('#who')) === 'qa · requester', 'the header names the user and role');
  check(await page.$('a[href="/users"]').then((a) => a.evaluate((el) => el.hidden)), 'no Users link for a requester');
  await page.waitForSelector('a[href="/domains/employee"]');
  await shot('domains');

  // 3. The employee domain: its entities and columns, then 1,000 rows as xlsx.
  await page.click('a[href="/domains/employee"]');
  await waitHeading('employee');
  const layout = await page.$$eval('section.entity', (sections) => sections.map((section) => ({
    name: section.querySelector('h2').textContent,
    columns: [...section.querySelectorAll('tbody tr')].map((tr) => tr.cells[0].textContent),
    types: [...section.querySelectorAll('tbody tr')].map((tr) => tr.cells[1].textContent),
  })));
  check(layout.length === 1 && layout[0].name === 'employees', `employee has one entity, employees (${JSON.stringify(layout)})`);
  check(layout[0].columns.length > 5, 'the employees columns are listed');
  fs.writeFileSync(path.join(out, 'layout.json'), JSON.stringify(layout.map((e) => ({
    name: e.name, columns: e.columns, kinds: e.types.map(kindOf), scales: e.types.map(scaleOf)}))));
  // Over the role's limit: refused with the figures, nothing started.
  expected = [['POST', '/api/jobs', 403]];
  await typeInto('#rows-employees', '5000000');
  await page.click('#generate');
  await page.waitForSelector('#generate-form .error');
  const overLimit = await textOf('#generate-form .error');
  check(/5,000,000 rows planned.*limit of [\d,]+ rows/.test(overLimit), `an over-limit job is refused readably: "${overLimit}"`);
  check(pathOf(page.url()) === '/domains/employee', 'no job page for a refused job');
  expected = [];
  await typeInto('#rows-employees', String(rows));
  await typeInto('#seed', seed);
  await page.select('#format', 'xlsx');
  await shot('domain');
  await page.click('#generate');

  // 4. The job page follows the job to done; its Download link saves the workbook.
  await page.waitForFunction(() => /^Job /.test(document.querySelector('main h1')?.textContent || ''));
  const jobId = pathOf(page.url()).split('/').pop();
  await page.waitForFunction(() => ['done', 'failed', 'cancelled', 'expired']
    .includes(document.querySelector('#job-state')?.textContent), {timeout: 40000});
  const jobState = await textOf('#job-state');
  check(jobState === 'done', `job ${jobId} is done, not ${jobState}: ${await page.$eval('main', (m) => m.innerText)}`);
  check((await textOf('#job-rows')) === rows.toLocaleString('en-US'), `the job page shows ${rows} rows`);
  check(await page.$eval('#job-progress', (p) => p.value === 100), 'the progress bar is full');
  await shot('job-done');

  const downloads = path.join(out, 'download');
  fs.mkdirSync(downloads, {recursive: true});
  const cdp = await browser.target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', {behavior: 'allow', downloadPath: downloads, eventsEnabled: true});
  const finished = new Promise((resolve, reject) => {
    let name = null;
    cdp.on('Browser.downloadWillBegin', (e) => { name = e.suggestedFilename; });
    cdp.on('Browser.downloadProgress', (e) => {
      if (e.state === 'completed') resolve(name);
      if (e.state === 'canceled') reject(new Error('the download was cancelled'));
    });
    setTimeout(() => reject(new Error('the download did not finish in 20 s')), 20000).unref();
  });
  await page.click('#download');
  const fileName = await finished;
  check(fileName === 'employee.xlsx', `the download is named employee.xlsx (got ${fileName})`);
  const workbook = path.join(downloads, fileName);
  check(fs.statSync(workbook).size > 10000, 'the workbook is not empty');

  // Shared with the viewer (checked when she logs in).
  await typeInto('#share-users', 'vera');
  await page.click('#share-form button[type=submit]');
  await page.waitForFunction(() => /Shared with vera/.test(document.querySelector('#job-message')?.textContent));

  // 5. A big job: the page polls its progress while it runs, and Cancel stops it.
  await page.click(`a[href="/domains/employee"]`);
  await waitHeading('employee');
  await typeInto('#rows-employees', '1000000');
  await page.select('#format', 'csv');
  await page.click('#generate');
  await page.waitForFunction(() => document.querySelector('#job-state')?.textContent === 'running' &&
    document.querySelector('#job-progress').value > 0, {polling: 50});
  const bigJob = pathOf(page.url()).split('/').pop();
  const midway = await page.$eval('#job-progress', (p) => p.value);
  check(midway > 0 && midway < 100, `the progress bar moves while the job runs (${midway} %)`);
  await shot('job-running');
  await page.click('#job-actions button');
  await page.waitForFunction(() => document.querySelector('#job-state')?.textContent === 'cancelled');
  check(!(await page.$('#download')), 'a cancelled job has no download');

  // 6. My jobs lists both.
  await page.click('#nav a[href="/jobs"]');
  await waitHeading('My jobs');
  const listed = await page.$$eval('main tbody tr', (trs, id) => trs
    .filter((tr) => tr.querySelector(`a[href="/jobs/${id}"]`)).map((tr) => tr.innerText), jobId);
  check(listed.length === 1 && /done/.test(listed[0]) && /xlsx/.test(listed[0]), `job ${jobId} is listed as done: ${listed}`);
  const first = await page.$eval('main tbody tr a', (a) => a.getAttribute('href'));
  check(first === `/jobs/${bigJob}`, `the newest job (the cancelled one) comes first (${first})`);
  await shot('jobs');

  // 7. A session that ends (here: its cookie removed) returns to the login page.
  expected = [['GET', '/api/domains', 401]];
  await page.deleteCookie({name: 'seedforge_session', url: base});
  await page.click('#nav a[href="/domains"]');
  await waitHeading('Log in');
  check(/expired/.test(await textOf('#login-message')), 'the login page says the session expired');

  // 8. The admin: users (add, change role, disable) and the audit log.
  expected = [];
  await logIn('admin', env('ADMIN_PASSWORD'), {keyboard: true});
  await waitHeading('Domains');
  // A domain upload: a broken file is refused with its line and column, a good one opens.
  const upload = (name, text) => {
    const file = path.join(out, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const domainYaml = [
    'domain: portal_upload',
    'description: A domain uploaded through the portal by the browser test',
    'entities:',
    '  things:',
    '    rows: 10',
    '    columns:',
    '      id:    {type: integer, primary_key: true, provider: sequence}',
    '      owner: {type: text, not_null: true, provider: person.full_name}', ''].join('\n');
  expected = [['POST', '/api/domains', 400]];
  await (await page.$('#domain-file')).uploadFile(upload('broken.yaml', domainYaml.replace('person.full_name', 'person.nope')));
  await page.click('#upload-form button[type=submit]');
  await page.waitForSelector('#upload-form .error li');
  const uploadError = await textOf('#upload-form .error');
  check(/line 8, column \d+: .*nope/.test(uploadError), `a broken upload names its line and column: "${uploadError}"`);
  await shot('upload-refused');
  expected = [];
  await (await page.$('#domain-file')).uploadFile(upload('portal_upload.yaml', domainYaml));
  await page.click('#upload-form button[type=submit]');
  await waitHeading('portal_upload');
  check(await page.$('#rows-things'), 'the uploaded domain opens with its entity');

  await page.click('#nav a[href="/users"]');
  await waitHeading('Users');
  for (const name of ['admin', 'qa']) check(await page.$(`tr[data-user="${name}"]`), `the user ${name} is listed`);
  await typeInto('#new-name', 'viewer1');
  await page.select('#new-role', 'viewer');
  await typeInto('#new-password', 'a long enough password 1');
  await page.click('#add-user button[type=submit]');
  await page.waitForSelector('tr[data-user="viewer1"]');
  check(await page.$eval('select[data-user="viewer1"]', (s) => s.value) === 'viewer', 'viewer1 was added as a viewer');
  await page.select('select[data-user="viewer1"]', 'requester');
  await page.waitForFunction(() => /viewer1 is now requester/.test(document.querySelector('#users-message')?.textContent));
  check(await page.$eval('select[data-user="viewer1"]', (s) => s.value) === 'requester', 'the role change holds');
  await page.$eval('tr[data-user="viewer1"] button', (b) => b.click());
  await page.waitForFunction(() => /disabled/.test(document.querySelector('tr[data-user="viewer1"]')?.innerText));
  check(await page.$eval('#limit-requester', (i) => i.value) === '1000000', 'the requester limit shows (default 1,000,000)');
  await typeInto('#limit-requester', '2000000');
  await page.click('#limits-form button[type=submit]');
  await page.waitForFunction(() => /Row limits saved/.test(document.querySelector('#users-message')?.textContent));
  check(await page.$eval('#limit-requester', (i) => i.value) === '2000000', 'the new requester limit holds');
  await shot('users');

  await page.click('#nav a[href="/audit"]');
  await waitHeading('Audit log');
  // Cells as text; a job's target is a link to its page.
  const audit = await page.$$eval('#audit tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) =>
    c.querySelector('a') ? c.querySelector('a').getAttribute('href') : c.textContent)));
  const downloadEntry = audit.find(([, user, , action, target]) =>
    user === 'qa' && /download/i.test(action) && target === `/jobs/${jobId}`);
  check(downloadEntry, `the audit log shows qa's download of job ${jobId}: ${JSON.stringify(audit.slice(0, 8))}`);
  await shot('audit');

  await page.click('#logout');
  await waitHeading('Log in');
  check(/logged out/.test(await textOf('#login-message')), 'logging out says so');

  // 9. The viewer: the shared job with its download, no Generate anywhere.
  await logIn('vera', env('VIEWER_PASSWORD'));
  await waitHeading('Domains');
  await page.click('#nav a[href="/jobs"]');
  await waitHeading('Shared with me');
  const shared = await page.$$eval('main tbody tr', (trs) => trs.map((tr) => tr.innerHTML));
  check(shared.length === 1 && shared[0].includes(`/jobs/${jobId}`) && shared[0].includes(`/api/jobs/${jobId}/download`),
    `the viewer sees exactly the shared job, with its download (${shared.length} rows)`);
  await shot('jobs-viewer');
  // A deep link loads the page itself (the server answers index.html, the UI routes on the path).
  await page.goto(`${base}/jobs/${jobId}`, {waitUntil: 'load'});
  await waitHeading(`Job ${jobId.slice(0, 8)}`);
  check(await page.$('#download'), 'the shared job opens from its URL, with its Download link');
  await page.goto(`${base}/no/such/page`, {waitUntil: 'load'});
  await waitHeading('Not found');
  await page.click('#nav a[href="/domains"]');
  await waitHeading('Domains');
  await page.click('a[href="/domains/employee"]');
  await waitHeading('employee');
  check(!(await page.$('#generate')) && /Viewers download/.test(await textOf('main .notice')), 'a viewer gets no Generate form');
  await page.click('#logout');
  await waitHeading('Log in');

  // 10. Repeated wrong passwords for one name: the server answers 429 and the
  // page says when to retry (5 failures per name; this address has 6 of its 20).
  expected = [['POST', '/api/login', 401], ['POST', '/api/login', 429]];
  let status = 0;
  for (let attempt = 1; attempt <= 6 && status !== 429; attempt++) {
    const answer = page.waitForResponse((r) => pathOf(r.url()) === '/api/login');
    await logIn('intruder', `guess ${attempt}`);
    status = (await answer).status();
    await page.waitForFunction(() => !document.querySelector('#login-form button').disabled);
  }
  check(status === 429, `the 6th wrong password for a name is refused with 429 (got ${status})`);
  const limited = await textOf('#login-message');
  check(/retry in \d+ (s|min)\)/.test(limited), `the page says when to retry: "${limited}"`);
  await shot('login-rate-limited');

  for (const line of loadErrors) {
    const i = expectedAnswers.indexOf(line);
    if (i >= 0) expectedAnswers.splice(i, 1);
    else problems.push(`console error: failed to load ${line}`);
  }
  check(problems.length === 0, `no console errors or failed requests:\n  ${problems.join('\n  ')}`);
  for (const [file, at] of shots) console.log(`screenshot: ${file} (at ${at} s)`);
  console.log(`downloaded: ${workbook}`);
  console.log(`browser steps took ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  // What the page showed and what went wrong in it, for the failure report.
  if (problems.length) console.error(`problems in the page:\n  ${problems.join('\n  ')}`);
  if (page) {
    await page.screenshot({path: path.join(out, 'failure.png'), fullPage: true}).catch(() => {});
    const text = await page.$eval('main', (m) => m.innerText).catch(() => '(no page)');
    console.error(`failure at ${page.url()}; the page shows:\n${text}\nscreenshot: ${path.join(out, 'failure.png')}`);
  }
  throw err;
} finally {
  await browser.close();
}

// The value kind check_office.py compares a column's cells as, from its SQL type.
function kindOf(type) {
  const t = type.toLowerCase();
  if (t === 'date') return 'date';
  if (t.startsWith('timestamp')) return 'timestamp';
  if (/^(smallint|integer|int|bigint|serial|bigserial|int[248])\b/.test(t)) return 'integer';
  if (/^(numeric|decimal)/.test(t)) return 'decimal';
  if (/^(real|double|float)/.test(t)) return 'float';
  if (t.startsWith('bool')) return 'boolean';
  return 'text';
}
function scaleOf(type) {
  const match = /^(?:numeric|decimal)\s*\(\s*\d+\s*,\s*(\d+)\s*\)/i.exec(type);
  return match ? Number(match[1]) : 0;
}
