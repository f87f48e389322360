import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, newPage, assertClean } from '../lib/console.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the browser reaches the server: /health/ready', async () => {
  const page = await newPage(browser);
  // a JSON answer has no page to name an icon, so the browser asks for /favicon.ico, which the server does not have
  page.expectProblem(/\/favicon\.ico/);
  const res = await page.goto(BASE + '/health/ready');
  assert.equal(res.status(), 200);
  assert.match(await page.textContent('body'), /ready/i);
  assertClean(page);
  await page.closeClean();
});
