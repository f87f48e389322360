// Shared by the console's browser tests: the server under test (from the environment ConsoleBrowserIT sets), Debian's
// Chromium through playwright-core, pages that record every console error and failed request, screenshots, and
// direct API calls for what the tests compare the pages against.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

function required(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: these tests are run by ConsoleBrowserIT (mvn -pl itests/console verify), which starts the server`);
  }
  return v;
}

export const BASE = required('STOA_URL');
export const HOME = required('STOA_HOME');
export const KEY = required('STOA_KEY');
export const SHOUT_JAR = process.env.STOA_SHOUT_JAR;
const CHROMIUM = process.env.STOA_CHROMIUM || '/usr/bin/chromium';
const SCREENSHOTS = process.env.STOA_SCREENSHOTS;

/** Debian's Chromium, headless; --no-sandbox because CI containers run it as root. */
export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/**
 * A page at 1280x800 that records what must not happen: a console error, an uncaught exception, a request that
 * failed, or an answer of 400 or more. A test that provokes an error on purpose names the URL (and status) it
 * expects with page.expectProblem(regex); everything else is reported by assertClean.
 */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  const expected = [];
  let closing = false;
  const isExpected = (text) => expected.some((re) => re.test(text));
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      const text = `console error: ${msg.text()} (${loc.url || ''}${loc.lineNumber ? ':' + loc.lineNumber : ''})`;
      if (!isExpected(text)) problems.push(text);
    }
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => {
    const failure = req.failure()?.errorText || '';
    // a stream or fetch cut off because the page navigated away or closed is not a failure of the server
    if (failure === 'net::ERR_ABORTED' && (closing || ['eventsource', 'fetch'].includes(req.resourceType()))) return;
    const text = `request failed: ${req.method()} ${req.url()} ${failure}`;
    if (!isExpected(text)) problems.push(text);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) {
      const text = `HTTP ${res.status()}: ${res.request().method()} ${res.url()}`;
      if (!isExpected(text)) problems.push(text);
    }
  });
  page.expectProblem = (re) => expected.push(re);
  page.problems = problems;
  page.closeClean = async () => {
    closing = true;
    await context.close();
  };
  return page;
}

/** Fails with every recorded problem of the page. */
export function assertClean(page) {
  assert.deepEqual(page.problems, [], `the page had console errors or failed requests:\n${page.problems.join('\n')}`);
}

/** Writes <name>.png (1280x800, the viewport) into the screenshot folder. */
export async function screenshot(page, name) {
  if (!SCREENSHOTS) return;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Calls the server's API directly with the admin key: what the pages are compared against. */
export async function api(method, urlPath, body) {
  const headers = { Authorization: `Bearer ${KEY}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(BASE + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** The element with this data-testid (a Playwright locator). */
export function byTestId(page, id, extra = '') {
  return page.locator(`[data-testid="${id}"]${extra}`);
}

/** Enters the key in the console's key form and waits for the console to say it is kept. */
export async function enterKey(page, key) {
  await byTestId(page, 'api-key-input').fill(key);
  await byTestId(page, 'api-key-save').click();
  await byTestId(page, 'api-key-state').filter({ hasText: /key set/i }).waitFor();
}

/**
 * Opens the console on one page (overview, bundles, services, pipelines, trainings, playground), with the admin key
 * entered unless {key: null}, and waits until the page says its first data has arrived.
 */
export async function openConsole(page, route, { key = KEY } = {}) {
  const res = await page.goto(`${BASE}/console/#/${route}`);
  assert.equal(res.status(), 200, `GET /console/ answered ${res.status()}`);
  if (key) await enterKey(page, key);
  await byTestId(page, `page-${route}`, '[data-loaded="true"]').waitFor();
}

/** Polls fn until it returns a truthy value (returned), failing after ms with what it last saw. */
export async function until(what, fn, ms = 60_000, every = 250) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`not within ${ms} ms: ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}
