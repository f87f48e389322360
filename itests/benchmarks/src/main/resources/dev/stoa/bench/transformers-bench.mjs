// Closed-loop load on transformers.js (@huggingface/transformers, onnxruntime-node), offline, on the same
// model.onnx and tokenizer.json as the Java side; run by dev.stoa.bench.TransformersJs.
// args: modelsRoot modelId warmMs measureMs concurrency intraOpThreads sentencesFile
// prints one JSON line: {"throughput_per_s", "p50_ms", "p99_ms", "answered", "embedding0", "versions"}
import { env, pipeline } from '@huggingface/transformers';
import { readFileSync } from 'node:fs';

const [modelsRoot, modelId, warmMs, measureMs, concurrency, threads, sentencesFile] = process.argv.slice(2);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = modelsRoot;
const sentences = JSON.parse(readFileSync(sentencesFile, 'utf8'));
const extractor = await pipeline('feature-extraction', modelId, {
  dtype: 'fp32',
  device: 'cpu',
  // the JVM sessions' settings: N intra-op threads, idle threads sleep instead of spin-waiting
  session_options: {
    intraOpNumThreads: Number(threads),
    interOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  },
});
const embed = async (text) => extractor(text, { pooling: 'mean', normalize: true });
const first = await embed(sentences[0]);

const now = () => Number(process.hrtime.bigint()) / 1e6;
const from = now() + Number(warmMs);
const end = from + Number(measureMs);
const latencies = [];
let counter = 0;
async function caller() {
  for (;;) {
    const sent = now();
    if (sent >= end) return;
    await embed(sentences[counter++ % sentences.length]);
    const done = now();
    if (done >= from && done < end) latencies.push(done - sent);
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, caller));
latencies.sort((a, b) => a - b);
const pct = (p) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(p / 100 * latencies.length) - 1))] : null;
const pkg = (name) => JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url))).version;
console.log(JSON.stringify({
  throughput_per_s: latencies.length / (Number(measureMs) / 1000),
  p50_ms: pct(50),
  p99_ms: pct(99),
  answered: latencies.length,
  embedding0: Array.from(first.data),
  versions: { node: process.version, transformers: pkg('@huggingface/transformers'), onnxruntime_node: pkg('onnxruntime-node') },
}));
