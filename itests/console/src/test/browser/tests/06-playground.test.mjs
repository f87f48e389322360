// Playground: upload an image for the zero-shot pipeline, see its preview, the labels with scores and the top
// label, which must be the label the pipeline answers over HTTP for the same image, and the trace of its stages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, assertClean, openConsole, byTestId, screenshot, api } from '../lib/console.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A 64x64 PNG of a red circle on white, drawn by the browser itself (no image file in the repository). */
async function redCircle(page) {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 64;
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 64, 64);
    g.fillStyle = '#e00';
    g.beginPath();
    g.arc(32, 32, 20, 0, 2 * Math.PI);
    g.fill();
    return c.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

test('upload an image in the playground and see the zero-shot label', async () => {
  const page = await newPage(browser);
  await openConsole(page, 'playground');
  const png = await redCircle(page);
  // choosing a target rebuilds the form once the pipeline's fields are read: wait for the old inputs to go
  const picker = byTestId(page, 'playground-target');
  if ((await picker.inputValue()) !== 'pipeline:zero-shot') {
    const old = await page.$('.fields input, .fields textarea');
    await picker.selectOption('pipeline:zero-shot');
    if (old) await page.waitForFunction((el) => !el.isConnected, old);
  }
  await byTestId(page, 'playground-image').setInputFiles({ name: 'circle.png', mimeType: 'image/png', buffer: png });
  await byTestId(page, 'playground-image-preview').waitFor();
  assert.match(await byTestId(page, 'playground-image-preview').getAttribute('src'), /^(data:image\/png|blob:)/);
  await byTestId(page, 'playground-submit').click();
  const result = byTestId(page, 'playground-result', '[data-state="ok"]');
  await result.waitFor({ timeout: 60_000 });

  const answer = await api('POST', '/v1/pipelines/zero-shot', { image: png.toString('base64') });
  assert.equal(answer.status, 200, answer.text);
  const expected = answer.json.label ?? answer.json.labels?.[0]?.label;
  assert.ok(expected, `the pipeline answers a label: ${answer.text}`);
  const top = (await byTestId(page, 'playground-top-label').innerText()).trim();
  assert.match(top, new RegExp(`\\b${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`), 'the label the API answers');
  const rows = byTestId(page, 'playground-label-row');
  assert.ok((await rows.count()) >= 2, 'every label with its score');
  assert.equal(await rows.first().getAttribute('data-label'), expected);
  const score = Number(await rows.first().getAttribute('data-score'));
  assert.ok(score > 0 && score <= 1, `a probability: ${score}`);
  await byTestId(page, 'playground-trace-stage', '[data-stage="classify"]').waitFor();
  await screenshot(page, 'playground');
  assertClean(page);
  await page.closeClean();
});

/** A 32x32 PNG of a blue square on white, drawn by the browser. */
async function blueSquare(page) {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 32;
    c.height = 32;
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 32, 32);
    g.fillStyle = '#24d';
    g.fillRect(8, 8, 16, 16);
    return c.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

test('images in an answer show as pictures, in the order the API answers', async () => {
  const page = await newPage(browser);
  await openConsole(page, 'playground');
  const images = [(await blueSquare(page)).toString('base64'), (await redCircle(page)).toString('base64')];
  const picker = byTestId(page, 'playground-target');
  const old = await page.$('.fields input, .fields textarea');
  await picker.selectOption('service:clip-tiny-rerank');
  if (old) await page.waitForFunction((el) => !el.isConnected, old);
  await byTestId(page, 'playground-text').fill('a red circle');
  await byTestId(page, 'playground-json').fill(JSON.stringify({ images }));
  await byTestId(page, 'playground-submit').click();
  await byTestId(page, 'playground-result', '[data-state="ok"]').waitFor({ timeout: 60_000 });

  const answer = await api('POST', '/v1/services/clip-tiny-rerank', { text: 'a red circle', images });
  assert.equal(answer.status, 200, answer.text);
  const shown = byTestId(page, 'playground-image-out');
  // each ranked item's image, then the best one again
  assert.equal(await shown.count(), answer.json.items.length + 1);
  const first = await shown.first().locator('img').getAttribute('src');
  assert.equal(first, `data:image/png;base64,${answer.json.items[0].image}`);
  await screenshot(page, 'playground-images');
  assertClean(page);
  await page.closeClean();
});
