// Pipelines: the shipped zero-shot pipeline drawn as a graph with its YAML; then a pipeline file written on disk,
// serving, is edited so it is invalid (a misspelled field) and the page shows it invalid with the file and line of
// the error, as GET /v1/pipelines/{name} reports them; fixed again, it serves again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HOME, launch, newPage, assertClean, openConsole, byTestId, screenshot, api, until } from '../lib/console.mjs';

const NAME = 'console-edited';
const FILE = path.join(HOME, 'etc', 'pipelines', `${NAME}.yaml`);
const VALID = [
  '# written by the console browser tests, then broken on purpose',
  'description: Zero-shot classification, to be broken by an edit.',
  'input: JsonObject',
  'stages:',
  '  classify:',
  '    call: clip-tiny-zero-shot',
  '    timeout: 10s',
  'output: $classify',
  '',
].join('\n');
// the edit: 'timeout' misspelled on line 7, which the parser reports with its line
const BROKEN = VALID.replace('    timeout: 10s', '    tiemout: 10s');
const BROKEN_LINE = BROKEN.split('\n').findIndex((l) => l.includes('tiemout')) + 1;

/** Writes the file whole (renamed into place, so the watcher never reads half of it). */
function write(content) {
  const tmp = path.join(path.dirname(FILE), `.${NAME}.tmp`);
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, FILE);
}

let browser;
before(async () => { browser = await launch(); });
after(async () => {
  fs.rmSync(FILE, { force: true });
  await browser?.close();
});

test('the zero-shot pipeline is drawn as a graph with its YAML', async () => {
  const page = await newPage(browser);
  await openConsole(page, 'pipelines');
  const item = byTestId(page, 'pipeline-item', '[data-name="zero-shot"]');
  assert.equal(await item.getAttribute('data-state'), 'serving');
  await item.click();
  await byTestId(page, 'pipeline-node', '[data-stage="classify"]').waitFor();
  const source = (await api('GET', '/v1/pipelines/zero-shot')).json;
  assert.equal(await byTestId(page, 'pipeline-edge').count(), source.edges.length, 'one edge per $ref edge');
  assert.match(await byTestId(page, 'pipeline-yaml').innerText(), /call: clip-tiny-zero-shot/);
  assertClean(page);
  await page.closeClean();
});

test('a pipeline file edited on disk turns invalid with its line, and serves again when fixed', async () => {
  write(VALID);
  const page = await newPage(browser);
  await openConsole(page, 'pipelines');
  const item = byTestId(page, 'pipeline-item', `[data-name="${NAME}"]`);
  await item.and(page.locator('[data-state="serving"]')).waitFor({ timeout: 30_000 });
  await item.click();

  write(BROKEN);
  // no reload: the page learns it from the server
  await item.and(page.locator('[data-state="invalid"]')).waitFor({ timeout: 30_000 });
  const reported = (await api('GET', `/v1/pipelines/${NAME}`)).json;
  assert.equal(reported.state, 'invalid');
  assert.ok(reported.problems.some((p) => p.line === BROKEN_LINE && /tiemout/.test(p.message)),
    `the server names the misspelled line: ${JSON.stringify(reported.problems)}`);
  const error = byTestId(page, 'pipeline-error', `[data-line="${BROKEN_LINE}"]`);
  await error.waitFor();
  assert.match(await error.getAttribute('data-file'), new RegExp(`${NAME}\\.yaml$`));
  assert.match(await error.innerText(), /tiemout/);
  assert.match(await byTestId(page, 'pipeline-yaml').innerText(), /tiemout: 10s/, 'the YAML as it is on disk now');
  await screenshot(page, 'pipelines');

  write(VALID);
  await item.and(page.locator('[data-state="serving"]')).waitFor({ timeout: 30_000 });
  assert.equal(await byTestId(page, 'pipeline-error').count(), 0);
  // an invalid pipeline is an error of the platform's, not of the page: nothing failed in the browser
  assertClean(page);
  await page.closeClean();
});
