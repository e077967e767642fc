// The single sign-on pages in Debian's Chromium, driven by playwright-core
// against a running Chronatog. t/browser.bats starts the server, prepares
// a customer with a scheduler and jobs, signs the links and sets:
//
//   CHRONATOG_BASE   the server's URL, such as http://127.0.0.1:8080
//   CUSTOMER_ID, SCHEDULER_ID, JOB_ID (the job to pause)
//   OWNER_LINK       signed link to the customer page, access_level owner
//   SCHEDULER_LINK   signed link to the scheduler page
//   TAMPERED_LINK    OWNER_LINK with a parameter changed after signing
//   EXPIRED_LINK     a link signed 6 minutes ago
//   RETURN_URL       the ey_return_to_url of the links
//   SCREENSHOTS      folder for the screenshots taken along the way
//
// The tests run in file order; the first three share the owner's browser
// context.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is missing. ` +
      'Run this file through t/browser.bats.');
  }
  return value;
}

const base = required('CHRONATOG_BASE');
const customerId = required('CUSTOMER_ID');
const schedulerId = required('SCHEDULER_ID');
const jobId = required('JOB_ID');
const returnUrl = required('RETURN_URL');
const screenshots = required('SCREENSHOTS');

const customerUrl = `${base}/eyintegration/sso/customers/${customerId}`;
const schedulerUrl = `${customerUrl}/schedulers/${schedulerId}`;

// Debian's Chromium as root needs --no-sandbox. The other flags keep it
// from calling Google's services, which this machine's network refuses.
// Playwright gives each launch a fresh, empty user data folder.
const launchOptions = {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync',
  ],
};

let browser;
let owner;	// the owner's browser context, shared by the flow below
const consoleErrors = [];

// Opens a page that records console errors, such as blocked assets.
async function openPage(context) {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') {
      consoleErrors.push(`${message.location().url}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  return page;
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(screenshots, name), fullPage: true });
}

before(async () => {
  mkdirSync(screenshots, { recursive: true });
  browser = await chromium.launch(launchOptions);
  owner = await browser.newContext();
});

after(async () => {
  await browser?.close();
});

test('signed link opens the customer page', async () => {
  const page = await openPage(owner);
  const response = await page.goto(required('OWNER_LINK'));

  assert.equal(response.status(), 200);
  assert.equal(page.url(), customerUrl, 'the query is gone after sign-in');
  assert.equal(await page.title(), 'Browser Test Co - Chronatog');
  await page.getByRole('heading', { level: 1, name: 'Browser Test Co' })
    .waitFor();
  assert.match(await page.locator('main').innerText(),
    /Current plan: freemium/);

  const cookies = await owner.cookies(customerUrl);
  const session = cookies.find(
    (cookie) => cookie.name === 'chronatog_session');
  assert.ok(session, 'the session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  assert.equal(session.path, '/eyintegration/sso/');
  assert.equal(await page.evaluate(() => document.cookie), '',
    'scripts cannot read the HttpOnly cookie');

  // The stylesheet loaded despite the Content-Security-Policy.
  const background = await page.locator('header').evaluate(
    (element) => getComputedStyle(element).backgroundColor);
  assert.equal(background, 'rgb(36, 54, 75)');

  await screenshot(page, 'customer.png');
  await page.close();
});

test('owner changes the plan', async () => {
  const page = await openPage(owner);
  await page.goto(customerUrl);

  await page.getByLabel('awesome', { exact: true }).check();
  await Promise.all([
    page.waitForURL(customerUrl),
    page.getByRole('button', { name: 'Change plan' }).click(),
  ]);

  assert.match(await page.locator('main').innerText(),
    /Current plan: awesome/);
  assert.equal(await page.getByLabel('awesome', { exact: true }).isChecked(), true);
  await screenshot(page, 'plan-changed.png');
  await page.close();
});

test('back to Engine Yard ends the session', async () => {
  const page = await openPage(owner);
  await page.goto(customerUrl);

  await Promise.all([
    page.waitForURL(returnUrl),
    page.getByRole('link', { name: 'Back to Engine Yard' }).click(),
  ]);
  const cookies = await owner.cookies(customerUrl);
  assert.equal(
    cookies.find((cookie) => cookie.name === 'chronatog_session'),
    undefined, 'the session cookie is deleted');

  const response = await page.goto(customerUrl);
  assert.equal(response.status(), 401);
  await page.getByRole('heading', { name: 'Not signed in' }).waitFor();
  await screenshot(page, 'signed-out.png');
  await page.close();
});

test('tampered link is rejected', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  const response = await page.goto(required('TAMPERED_LINK'));

  assert.equal(response.status(), 401);
  await page.getByRole('heading', { name: 'Sign-in link rejected' })
    .waitFor();
  assert.match(await page.locator('main').innerText(), /signature mismatch/);
  assert.equal(await page.getByRole('link', { name: 'Back to Engine Yard' })
    .getAttribute('href'), returnUrl);
  assert.deepEqual(await context.cookies(customerUrl), []);
  await screenshot(page, 'tampered-link.png');
  await context.close();
});

test('expired link is rejected', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  const response = await page.goto(required('EXPIRED_LINK'));

  assert.equal(response.status(), 401);
  assert.match(await page.locator('main').innerText(),
    /seconds old \(maximum 300\)/);
  assert.deepEqual(await context.cookies(customerUrl), []);
  await screenshot(page, 'expired-link.png');
  await context.close();
});

test('scheduler page lists the jobs and pauses one', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  const response = await page.goto(required('SCHEDULER_LINK'));

  assert.equal(response.status(), 200);
  assert.equal(page.url(), schedulerUrl);
  const rows = page.locator('table').first().locator('tbody tr');
  assert.equal(await rows.count(), 2);
  const row = page.locator(`#job-${jobId}`);
  assert.match(await row.innerText(), /Enabled/);
  assert.match(await row.innerText(), /\*\/5 \* \* \* \*/);
  await screenshot(page, 'scheduler.png');

  await Promise.all([
    page.waitForURL(schedulerUrl),
    page.getByRole('button', { name: `Pause job ${jobId}` }).click(),
  ]);
  assert.match(await row.innerText(), /Paused/);
  await page.getByRole('button', { name: `Resume job ${jobId}` }).waitFor();
  await screenshot(page, 'scheduler-paused.png');
  await context.close();
});

test('pages log no console errors', () => {
  // Chromium logs each 401 page and the missing /favicon.ico as a failed
  // resource. Any other error, such as an asset blocked by the
  // Content-Security-Policy, fails the test.
  const unexpected = consoleErrors.filter((text) =>
    !/status of 401/.test(text) && !/\/favicon\.ico: /.test(text));
  assert.deepEqual(unexpected, []);
});
