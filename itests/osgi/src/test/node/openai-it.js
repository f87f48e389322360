// The official `openai` npm client against Stoa's OpenAI-compatible API, run by OpenAiApiIT (itests/osgi).
// Usage: node openai-it.js <request.json>; request: {baseUrl, embeddingModel, texts, chatModel, prompt,
// visionModel, question, png (base64), vqaModel}. Prints one JSON object with what each call returned; a call that
// fails is recorded as {status, code, type, param, message} so the test can assert the error object.
"use strict";
const fs = require("fs");
const { OpenAI } = require("openai");

async function attempt(call) {
  try {
    return { ok: await call() };
  } catch (e) {
    return { error: { status: e.status, code: e.code, type: e.type, param: e.param, message: e.message } };
  }
}

async function main() {
  const req = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const client = new OpenAI({ baseURL: req.baseUrl, apiKey: req.apiKey, maxRetries: 0, timeout: 120000 });
  const out = {};

  const models = await client.models.list();
  out.models = [];
  for await (const m of models) {
    out.models.push(m.id);
  }

  // the client asks for base64 by default and decodes it to floats itself
  const base64 = await client.embeddings.create({ model: req.embeddingModel, input: req.texts });
  out.embeddings = base64.data.map((d) => Array.from(d.embedding));
  out.embeddingIndexes = base64.data.map((d) => d.index);
  out.embeddingUsage = base64.usage;
  const floats = await client.embeddings.create({
    model: req.embeddingModel, input: req.texts[0], encoding_format: "float" });
  out.floatEmbedding = floats.data[0].embedding;

  const chat = await client.chat.completions.create({
    model: req.chatModel, messages: [{ role: "user", content: req.prompt }], max_tokens: 6 });
  out.chat = { content: chat.choices[0].message.content, role: chat.choices[0].message.role,
    finish: chat.choices[0].finish_reason, usage: chat.usage, object: chat.object, model: chat.model };

  const sampled = { model: req.chatModel, messages: [{ role: "user", content: req.prompt }],
    max_tokens: 12, temperature: 1.0, seed: 3 };
  const whole = await client.chat.completions.create(sampled);
  out.sampled = whole.choices[0].message.content;
  const stream = await client.chat.completions.create({ ...sampled, stream: true,
    stream_options: { include_usage: true } });
  out.stream = { pieces: [], finish: null, usage: null, roles: [] };
  for await (const chunk of stream) {
    if (chunk.usage) {
      out.stream.usage = chunk.usage;
    }
    for (const c of chunk.choices) {
      if (c.delta.role) out.stream.roles.push(c.delta.role);
      if (c.delta.content) out.stream.pieces.push(c.delta.content);
      if (c.finish_reason) out.stream.finish = c.finish_reason;
    }
  }

  const vision = (model) => client.chat.completions.create({ model, messages: [{ role: "user", content: [
    { type: "text", text: req.question },
    { type: "image_url", image_url: { url: "data:image/png;base64," + req.png } }] }] });
  out.vision = await attempt(async () => (await vision(req.visionModel)).choices[0].message.content);
  out.vqa = await attempt(async () => (await vision(req.vqaModel)).choices[0].message.content);
  out.unknown = await attempt(() => client.chat.completions.create({
    model: "no-such-model", messages: [{ role: "user", content: "hi" }] }));

  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write("openai-it.js failed: " + (e && e.stack ? e.stack : e) + "\n");
  process.exit(1);
});
