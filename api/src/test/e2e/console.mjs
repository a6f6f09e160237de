// End-to-end test of the staff console in headless Chromium, driven by StaffConsoleE2ETests (which starts the
// application and creates the ticket this script waits for). Usage:
//   node console.mjs <baseUrl> <username> <password> <marker>
// Prints CONSOLE_READY once signed in with the list and the live stream up, then waits for a new ticket whose
// subject contains <marker> to appear without a page reload, opens it, assigns it to itself, adds a note, replies,
// resolves it and prints CONSOLE_DONE. Any failure: a message on stderr, a screenshot under api/target/e2e/, exit 1.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [baseUrl, username, password, marker] = process.argv.slice(2);
if (!baseUrl || !username || !password || !marker) {
  console.error('usage: node console.mjs <baseUrl> <username> <password> <marker>');
  process.exit(2);
}
const shots = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'target', 'e2e');
const STEP = 15_000;

let step = 'launching Chromium';
const log = (text) => console.log(text);

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
let browser;
try {
  browser = await chromium.launch({
    executablePath,
    headless: true,
    // No sandbox: CI machines run this as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
} catch (error) {
  console.error(`CONSOLE_FAILED launching Chromium at ${executablePath} (run .ci/setup-browser): ${error.message}`);
  process.exit(1);
}
const page = await browser.newPage();
page.setDefaultTimeout(STEP);
const problems = [];
page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
page.on('response', (response) => {
  if (response.status() >= 400) problems.push(`${response.status()} from ${response.request().method()} ${new URL(response.url()).pathname}`);
});
let loads = 0;
page.on('load', () => { loads += 1; });

try {
  step = 'opening the console';
  await page.goto(new URL('/staff/', baseUrl).toString());
  await page.locator('#sign-in-form').waitFor();

  step = 'signing in';
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('#sign-in-button');
  await page.locator('#console-view').waitFor();
  await page.locator('#stream-state[data-state="live"]').waitFor();
  await page.locator('#list-empty, #ticket-rows tr').first().waitFor();
  const loadsBefore = loads;
  await page.evaluate(() => { window.__samePage = true; });
  log(`signed in; ${await page.locator('#ticket-rows tr').count()} tickets listed, live stream up`);
  console.log('CONSOLE_READY');

  step = `waiting for a new ticket with "${marker}" to appear without a reload`;
  const row = page.locator('#ticket-rows tr', { hasText: marker });
  await row.waitFor({ timeout: 20_000 });
  if (loads !== loadsBefore || !(await page.evaluate(() => window.__samePage === true))) {
    throw new Error('the page was reloaded: the ticket must arrive live');
  }
  if (!(await row.evaluate((tr) => tr.classList.contains('fresh')))) {
    throw new Error('the new ticket is not highlighted as new');
  }
  if ((await row.locator('.badge.negative').count()) !== 1) {
    throw new Error('the new ticket is not marked negative');
  }
  const number = (await row.locator('td.number').textContent()).trim();
  await page.locator('#alerts .alert', { hasText: `Negative feedback ${number} ` }).waitFor({ timeout: 5_000 });
  log(`the ticket (${number}) appeared live, highlighted, marked negative, with an alert banner`);

  step = 'opening the ticket';
  await row.click();
  await page.locator('#d-subject', { hasText: marker }).waitFor();
  if (page.url().includes(marker)) throw new Error('the page address carries ticket data');

  step = 'assigning it to me';
  await page.click('#assign-me');
  await page.locator('#d-assignee[data-mine="true"]').waitFor();

  step = 'adding a note';
  // Markup in what the server sends back must show as text, never run.
  const note = `Internal note ${marker}: <img src=x onerror="window.__injected=1"> called the clinic.`;
  await page.fill('#note-text', note);
  await page.click('#note-form button[type="submit"]');
  await page.locator('#history .event.note', { hasText: note }).waitFor();
  if (await page.evaluate(() => window.__injected !== undefined || document.querySelector('#history img') !== null)) {
    throw new Error('markup in a note was inserted as HTML');
  }

  step = 'replying to the patient';
  const reply = `We are sorry ${marker}; the clinic has been told.`;
  await page.fill('#reply-text', reply);
  await page.click('#reply-form button[type="submit"]');
  await page.locator('#history .event.reply', { hasText: reply }).waitFor();

  step = 'resolving it';
  await page.click('#resolve');
  await page.locator('#d-status', { hasText: 'RESOLVED' }).waitFor();
  await page.locator('#ticket-rows tr[data-status="RESOLVED"]', { hasText: marker }).waitFor();
  if (await page.locator('#error').isVisible()) {
    throw new Error(`the console shows an error: ${await page.locator('#error').textContent()}`);
  }
  if (problems.length > 0) throw new Error(`the page reported errors:\n${problems.join('\n')}`);
  log('assigned, noted, replied and resolved');

  step = 'recovering with the refresh token when the access token is refused';
  await page.evaluate(() => {
    const key = 'patientcrm.staff.session';
    const saved = JSON.parse(sessionStorage.getItem(key));
    const parts = saved.accessToken.split('.');
    parts[2] = parts[2].slice(0, -4) + (parts[2].endsWith('AAAA') ? 'BBBB' : 'AAAA');
    saved.accessToken = parts.join('.');
    sessionStorage.setItem(key, JSON.stringify(saved));
  });
  await page.reload();
  await page.locator('#stream-state[data-state="live"]').waitFor();
  await page.locator('#ticket-rows tr[data-status="RESOLVED"]', { hasText: marker }).waitFor();
  await page.locator('#d-status', { hasText: 'RESOLVED' }).waitFor();
  if (!(await page.locator('#sign-in-view').isHidden())) throw new Error('a refused access token signed the user out');
  log('a refused access token was replaced through the refresh token');

  step = 'signing out';
  const stored = await page.evaluate(() => [sessionStorage.length, localStorage.length]);
  if (stored[0] !== 1 || stored[1] !== 0) throw new Error(`tokens must be in sessionStorage only: ${stored}`);
  await page.click('#sign-out');
  await page.locator('#sign-in-form').waitFor();
  if (await page.evaluate(() => sessionStorage.length) !== 0) throw new Error('sign-out left the session stored');
  console.log('CONSOLE_DONE');
  await browser.close();
  process.exit(0);
} catch (error) {
  mkdirSync(shots, { recursive: true });
  const shot = join(shots, `console-failure-${Date.now()}.png`);
  await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
  console.error(`CONSOLE_FAILED while ${step}: ${error.message}`);
  if (problems.length > 0) console.error(problems.join('\n'));
  console.error(`screenshot: ${shot}`);
  await browser.close().catch(() => {});
  process.exit(1);
}
