import { describe, getJson, readEvents, request } from "../api";
import { fmtNum, h, notify, replace, s } from "../dom";
import { fetchPipelines, fetchServices, Pipeline, Service } from "../model";
import { load, Page, section } from "../page";

/** A form field: what it asks for, and how its value goes into the request's JSON. */
interface Field {
  name: string;
  type: "text" | "textarea" | "image" | "labels" | "number" | "bool";
  label: string;
  placeholder?: string;
  value?: string;
}

interface Target {
  key: string; // service:<id> or pipeline:<name>
  id: string;
  pipeline: boolean;
  inputType?: string;
  kind?: string;
}

const TESTIDS: Record<string, string> = {
  text: "playground-text",
  image: "playground-image",
  labels: "playground-labels",
  question: "playground-question",
  prompt: "playground-prompt",
  max_tokens: "playground-max-tokens",
  temperature: "playground-temperature",
};

const GENERATION: Field[] = [
  { name: "prompt", type: "textarea", label: "Prompt" },
  { name: "max_tokens", type: "number", label: "Max tokens", value: "16" },
  { name: "temperature", type: "number", label: "Temperature", value: "0" },
  { name: "top_k", type: "number", label: "Top k" },
  { name: "seed", type: "number", label: "Seed" },
];

/** A pipeline file's `input:` as fields: `input: Text`, or one `name: Type` per line under it. */
export function pipelineFields(source: string, id: string): Field[] | null {
  const lines = source.split("\n");
  const i = lines.findIndex((l) => /^input:/.test(l));
  if (i < 0) return null;
  const inline = lines[i].replace(/^input:\s*/, "").replace(/#.*/, "").trim();
  if (inline) return typeFields(inline, id);
  const fields: Field[] = [];
  for (let j = i + 1; j < lines.length && /^\s+\S|^\s*$|^\s*#/.test(lines[j]); j++) {
    const m = /^\s+([A-Za-z_][\w-]*):\s*([A-Za-z<>\[\], ]+?)\s*(#.*)?$/.exec(lines[j]);
    if (!m) continue;
    fields.push(fieldFor(m[1], m[2]));
  }
  return fields.length ? fields : null;
}

function fieldFor(name: string, type: string): Field {
  const t = type.toLowerCase();
  if (t === "image") return { name, type: "image", label: name === "image" ? "Image" : name };
  if (name === "labels" || t.startsWith("list")) return { name, type: "labels", label: `${name} (comma-separated)` };
  if (["int", "integer", "long", "double", "float", "number"].includes(t)) return { name, type: "number", label: name };
  if (t === "boolean" || t === "bool") return { name, type: "bool", label: name };
  return { name, type: name === "text" || name === "prompt" ? "textarea" : "text", label: name[0].toUpperCase() + name.slice(1) };
}

function typeFields(type: string, id: string): Field[] {
  const t = type.toLowerCase();
  const name = id.toLowerCase();
  if (t === "text" || t === "string") return [{ name: "text", type: "textarea", label: "Text" }];
  if (t === "image") return [{ name: "image", type: "image", label: "Image" }];
  if (t.includes("generation") || /gpt|generat|llm|chat/.test(name)) return GENERATION;
  if (/zero-shot|classif/.test(name)) return [{ name: "image", type: "image", label: "Image" }, { name: "labels", type: "labels", label: "Labels (comma-separated; empty: the model's own classes)" }];
  if (/similarity/.test(name)) return [{ name: "image", type: "image", label: "Image" }, { name: "text", type: "text", label: "Text" }];
  if (/vqa|question/.test(name)) return [{ name: "image", type: "image", label: "Image" }, { name: "question", type: "text", label: "Question" }];
  if (/search|query/.test(name)) return [{ name: "text", type: "text", label: "Query" }, { name: "k", type: "number", label: "k", value: "3" }];
  if (/draw/.test(name)) return [{ name: "text", type: "textarea", label: "What to draw" }, { name: "n", type: "number", label: "Samples", value: "4" }, { name: "seed", type: "number", label: "Seed (same seed, same images)", value: "0" }];
  if (/rerank/.test(name)) return [{ name: "text", type: "textarea", label: "Text to rank the images by" }];
  if (/caption|ocr|image|segment|everything/.test(name)) return [{ name: "image", type: "image", label: "Image" }];
  // unknown shape (a map): the common fields, all optional, plus the JSON box
  return [{ name: "text", type: "textarea", label: "Text" }, { name: "image", type: "image", label: "Image" }];
}

async function base64(file: File): Promise<string> {
  const url = await new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
  return url.slice(url.indexOf(",") + 1);
}

function sparkline(values: number[]): SVGElement {
  const w = 320;
  const hgt = 48;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const pts = values.map((v, i) => `${((i / Math.max(1, values.length - 1)) * w).toFixed(1)},${(hgt - ((v - min) / span) * hgt).toFixed(1)}`).join(" ");
  return s("svg", { viewBox: `0 0 ${w} ${hgt}`, width: w, height: hgt, class: "spark", role: "img", "aria-label": `${values.length} values from ${min.toFixed(3)} to ${max.toFixed(3)}` },
    s("polyline", { points: pts, fill: "none", class: "spark-line" }));
}

type Json = Record<string, unknown>;

function labelScores(r: Json): [string, number][] {
  if (r.scores && typeof r.scores === "object" && !Array.isArray(r.scores)) {
    return Object.entries(r.scores as Record<string, number>).filter(([, v]) => typeof v === "number");
  }
  const arr = Array.isArray(r.labels) ? r.labels : Array.isArray(r.predictions) ? r.predictions : null;
  if (arr) {
    return (arr as Json[]).filter((x) => x && typeof x === "object" && "score" in x).map((x) => [String(x.label ?? x.name ?? x.id), Number(x.score)]);
  }
  return [];
}

const PNG_BASE64 = "iVBORw0KGgo";
const PNG_DATA_URL = "data:image/png;base64,";

/** Every PNG in an answer (base64, or a data URL of one), with where it is and the score beside it, in order. */
export function pngsOf(value: unknown, path = "", found: { path: string; src: string; score?: number }[] = []) {
  if (typeof value === "string") {
    const b64 = value.startsWith(PNG_DATA_URL) ? value.slice(PNG_DATA_URL.length) : value;
    if (b64.startsWith(PNG_BASE64)) found.push({ path, src: PNG_DATA_URL + b64 });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => pngsOf(v, `${path}[${i}]`, found));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Json)) {
      const before = found.length;
      pngsOf(v, path ? `${path}.${k}` : k, found);
      const score = (value as Json).score;
      if (found.length === before + 1 && typeof v === "string" && typeof score === "number") found[before].score = score;
    }
  }
  return found;
}

/** Renders an answer by what it holds: labels with scores, a caption or text, an embedding, search hits, lines, images. */
export function renderAnswer(r: Json): HTMLElement[] {
  const out: HTMLElement[] = [];
  const pngs = pngsOf(r);
  if (pngs.length) {
    out.push(h("div", { class: "gallery", "data-testid": "playground-images" }, pngs.slice(0, 32).map((p) =>
      h("figure", { "data-testid": "playground-image-out" },
        h("img", { src: p.src, alt: `Image at ${p.path} of the answer` }),
        h("figcaption", {}, p.path, p.score !== undefined ? ` ${fmtNum(p.score)}` : "")))));
  }
  const scores = labelScores(r).sort((a, b) => b[1] - a[1]);
  if (typeof r.label === "string" || scores.length) {
    const top = typeof r.label === "string" ? r.label : scores[0][0];
    out.push(h("p", { class: "big" }, "Label: ", h("strong", { "data-testid": "playground-top-label" }, top)));
  }
  if (scores.length) {
    const max = Math.max(...scores.map(([, v]) => v), 1e-9);
    out.push(h("ul", { class: "bars" }, scores.slice(0, 12).map(([l, v]) =>
      h("li", { "data-testid": "playground-label-row", "data-label": l, "data-score": v },
        h("span", { class: "bar-label" }, l),
        h("span", { class: "bar" }, h("span", { class: "bar-fill", style: `width:${Math.max(0, (v / max) * 100).toFixed(1)}%` })),
        h("span", { class: "num" }, fmtNum(v))))));
  }
  for (const key of ["caption", "answer", "text"]) {
    if (typeof r[key] === "string") {
      out.push(h("p", { class: "big" }, `${key[0].toUpperCase()}${key.slice(1)}: `, h("q", { "data-testid": "playground-caption" }, r[key] as string)));
      break;
    }
  }
  const vec = Array.isArray(r.embedding) ? r.embedding : Array.isArray(r.vector) ? r.vector : null;
  if (vec && vec.every((x) => typeof x === "number")) {
    const v = vec as number[];
    const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    out.push(h("div", { "data-testid": "playground-embedding", "data-length": v.length },
      h("p", {}, `Embedding: ${v.length} dimensions, norm ${norm.toFixed(3)}`), sparkline(v)));
  }
  if (Array.isArray(r.hits)) {
    out.push(h("ol", { class: "hits" }, (r.hits as Json[]).map((hit) =>
      h("li", { "data-testid": "playground-hit" }, h("strong", {}, String(hit.id ?? "")), ` ${fmtNum(hit.score)} `,
        String(hit.text ?? (hit.metadata as Json | undefined)?.text ?? "")))));
  }
  if (Array.isArray(r.lines)) {
    out.push(h("ol", { class: "hits" }, (r.lines as Json[]).map((l) => h("li", {}, String(l.text ?? ""), h("small", {}, ` ${fmtNum(l.confidence)}`)))));
  }
  return out;
}

/** The trace as a timeline: a stage starts when the stages it reads have ended (from the graph, when known). */
export function timeline(stages: { stage: string; outcome?: string; ms: number }[], refs: Map<string, string[]>): HTMLElement {
  const end = new Map<string, number>();
  let cursor = 0;
  const bars = stages.map((st) => {
    const deps = refs.get(st.stage);
    const start = deps ? Math.max(0, ...deps.map((d) => end.get(d) ?? 0)) : cursor;
    end.set(st.stage, start + st.ms);
    cursor = start + st.ms;
    return { ...st, start };
  });
  const total = Math.max(1e-6, ...bars.map((b) => b.start + b.ms));
  return h("div", { class: "timeline", "data-testid": "playground-trace" },
    h("p", { class: "muted" }, `Trace: ${total.toFixed(2)} ms in ${stages.length} stages`),
    bars.map((b) =>
      h("div", { class: "tl-row", "data-testid": "playground-trace-stage", "data-stage": b.stage, "data-ms": b.ms },
        h("span", { class: "tl-name" }, b.stage),
        h("span", { class: "tl-track" }, h("span", {
          class: `tl-bar ${b.outcome === "failed" ? "bad" : b.outcome === "skipped" ? "skip" : ""}`,
          style: `left:${((b.start / total) * 100).toFixed(2)}%;width:${Math.max(0.5, (b.ms / total) * 100).toFixed(2)}%`,
        })),
        h("span", { class: "num" }, `${b.ms.toFixed(2)} ms`, b.outcome && b.outcome !== "ok" ? ` (${b.outcome})` : ""))));
}

export function playgroundPage(selected?: string): Page {
  const picker = h("select", { id: "pg-target", "data-testid": "playground-target" });
  const fieldsBox = h("div", { class: "fields" });
  const json = h("textarea", { id: "pg-json", rows: 2, "data-testid": "playground-json", placeholder: '{"k": 3}' });
  const stream = h("input", { id: "pg-stream", type: "checkbox", "data-testid": "playground-stream" });
  const streamRow = h("div", { class: "row hidden" }, stream, h("label", { for: "pg-stream" }, "Stream tokens as they come"));
  const submit = h("button", { type: "submit", "data-testid": "playground-submit" }, "Send");
  const result = h("div", { class: "result", "data-testid": "playground-result", "aria-live": "polite" });
  const form = h("form", { class: "form", onsubmit: (e: Event) => { e.preventDefault(); void send(); } },
    h("div", { class: "row" }, h("label", { for: "pg-target" }, "Service or pipeline"), picker),
    fieldsBox,
    h("label", { for: "pg-json" }, "More fields (JSON object, merged in)"), json,
    streamRow,
    h("div", {}, submit));
  const formCard = section("Request", form);
  const root = h("div", { class: "split wide-right" }, formCard, section("Answer", result));

  let targets: Target[] = [];
  let target: Target | undefined;
  let fields: Field[] = [];
  let refs = new Map<string, string[]>();
  const inputs = new Map<string, HTMLInputElement | HTMLTextAreaElement>();
  let built = false;

  function buildFields(): void {
    inputs.clear();
    const nodes: HTMLElement[] = [];
    for (const f of fields) {
      const id = `pg-f-${f.name}`;
      const testid = TESTIDS[f.name] ?? `playground-field-${f.name}`;
      if (f.type === "image") {
        const input = h("input", { id, type: "file", accept: "image/*", "data-testid": testid });
        const preview = h("img", { class: "preview hidden", alt: "Preview of the chosen image", "data-testid": "playground-image-preview" });
        input.addEventListener("change", () => {
          const file = input.files?.[0];
          if (preview.src) URL.revokeObjectURL(preview.src);
          if (file) {
            preview.src = URL.createObjectURL(file);
            preview.classList.remove("hidden");
          } else preview.classList.add("hidden");
        });
        inputs.set(f.name, input);
        nodes.push(h("div", { class: "field" }, h("label", { for: id }, f.label), input, preview));
      } else if (f.type === "textarea") {
        const input = h("textarea", { id, rows: 3, "data-testid": testid, placeholder: f.placeholder });
        if (f.value) input.value = f.value;
        inputs.set(f.name, input);
        nodes.push(h("div", { class: "field" }, h("label", { for: id }, f.label), input));
      } else {
        const input = h("input", { id, type: f.type === "number" ? "number" : f.type === "bool" ? "checkbox" : "text", step: f.type === "number" ? "any" : undefined, "data-testid": testid, value: f.value });
        inputs.set(f.name, input);
        nodes.push(h("div", { class: f.type === "bool" ? "field row" : "field" }, h("label", { for: id }, f.label), input));
      }
    }
    replace(fieldsBox, nodes);
    streamRow.classList.toggle("hidden", !fields.some((f) => f.name === "prompt"));
  }

  async function choose(key: string): Promise<void> {
    target = targets.find((t) => t.key === key);
    if (!target) return;
    refs = new Map();
    fields = typeFields(target.inputType ?? "", target.id);
    if (target.pipeline) {
      const detail = await load(null, "/v1/pipelines/{name}", () =>
        getJson<{ source?: string; stages?: { name: string; refs?: string[] }[] }>(`/v1/pipelines/${encodeURIComponent(target!.id)}`));
      if (detail?.source) fields = pipelineFields(detail.source, target.id) ?? fields;
      for (const st of detail?.stages ?? []) refs.set(st.name, (st.refs ?? []).filter((r) => r !== "input"));
    }
    buildFields();
  }

  picker.addEventListener("change", () => {
    history.replaceState(null, "", `#/playground/${encodeURIComponent(picker.value)}`);
    void choose(picker.value);
  });

  async function body(): Promise<Json> {
    const out: Json = {};
    for (const f of fields) {
      const input = inputs.get(f.name)!;
      if (f.type === "image") {
        const file = (input as HTMLInputElement).files?.[0];
        if (file) out[f.name] = await base64(file);
      } else if (f.type === "labels") {
        const labels = input.value.split(",").map((x) => x.trim()).filter(Boolean);
        if (labels.length) out[f.name] = labels;
      } else if (f.type === "number") {
        if (input.value.trim() !== "") out[f.name] = Number(input.value);
      } else if (f.type === "bool") {
        out[f.name] = (input as HTMLInputElement).checked;
      } else if (input.value !== "") {
        out[f.name] = input.value;
      }
    }
    if (json.value.trim()) {
      const extra = JSON.parse(json.value);
      if (!extra || typeof extra !== "object" || Array.isArray(extra)) throw new Error("More fields: write a JSON object, e.g. {\"k\": 3}");
      Object.assign(out, extra);
    }
    if (target?.pipeline) out._trace = true;
    return out;
  }

  async function send(): Promise<void> {
    if (!target) {
      notify("error", "Pick a service or pipeline first");
      return;
    }
    const t = target;
    let payload: Json;
    try {
      payload = await body();
    } catch (e) {
      notify("error", describe(e));
      return;
    }
    const path = `/v1/${t.pipeline ? "pipelines" : "services"}/${encodeURIComponent(t.id)}`;
    result.dataset.state = "running";
    replace(result, h("p", { class: "muted" }, `Calling ${t.id}…`));
    submit.disabled = true;
    const started = performance.now();
    try {
      if (stream.checked && !streamRow.classList.contains("hidden")) {
        const tokens = h("p", { class: "big tokens", "data-testid": "playground-tokens" });
        replace(result, tokens);
        let done: Json | null = null;
        await readEvents(`${path}?stream=true`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) }, (e) => {
          const d = JSON.parse(e.data) as Json;
          if (e.event === "token") tokens.append(String(d.text ?? ""));
          else if (e.event === "done") done = d;
          else if (e.event === "error") throw new Error(`${d.error ?? "ERROR"}: ${d.message ?? e.data}`);
        });
        const final = done as Json | null;
        result.dataset.state = "ok";
        if (final) result.append(h("p", { class: "muted" }, `${final.tokens ?? "?"} tokens, ${final.finish_reason ?? ""}`), h("details", {}, h("summary", {}, "JSON"), h("pre", { "data-testid": "playground-raw" }, JSON.stringify(final, null, 2))));
      } else {
        const res = await request(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
        const answer = (await res.json()) as Json;
        const ms = performance.now() - started;
        const trace = answer._trace as { id?: string; stages?: { stage: string; outcome?: string; ms: number }[] } | undefined;
        const shown: Json = { ...answer };
        delete shown._trace;
        result.dataset.state = "ok";
        replace(result,
          h("p", { class: "muted" }, `${t.id} answered in ${ms.toFixed(0)} ms`),
          renderAnswer(answer),
          trace?.stages?.length ? timeline(trace.stages, refs) : null,
          h("details", {}, h("summary", {}, "JSON"), h("pre", { "data-testid": "playground-raw" }, JSON.stringify(shown, truncate, 2))));
      }
      notify("success", `${t.id}: answered`);
    } catch (e) {
      result.dataset.state = "error";
      replace(result, h("p", { class: "note bad", "data-testid": "playground-error", role: "alert" }, describe(e)));
      notify("error", `${t.id}: ${describe(e)}`);
    } finally {
      submit.disabled = false;
    }
  }

  async function refresh(): Promise<void> {
    if (built) return; // the form is not rebuilt under the user's hands; reload the page for new services
    const [services, pipelines] = await Promise.all([
      load(formCard, "/v1/services", fetchServices),
      load(formCard, "/v1/pipelines", fetchPipelines),
    ]);
    if (!services && !pipelines) return;
    built = true;
    targets = [
      ...(pipelines ?? []).map((p: Pipeline) => ({ key: `pipeline:${p.name}`, id: p.name, pipeline: true, inputType: p.inputType })),
      ...(services ?? []).filter((x: Service) => x.kind !== "pipeline" && x.kind !== "loss" && x.kind !== "dataset")
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((x: Service) => ({ key: `service:${x.id}`, id: x.id, pipeline: false, inputType: x.inputType, kind: x.kind })),
    ];
    replace(picker,
      h("optgroup", { label: "Pipelines" }, targets.filter((t) => t.pipeline).map((t) => h("option", { value: t.key }, t.id))),
      h("optgroup", { label: "Services" }, targets.filter((t) => !t.pipeline).map((t) => h("option", { value: t.key }, `${t.id} (${t.inputType ?? "?"})`))));
    const want = selected && targets.some((t) => t.key === selected) ? selected : targets[0]?.key;
    if (want) {
      picker.value = want;
      await choose(want);
    }
  }
  return { root, refresh };
}

/** Long arrays (embeddings, base64) shortened in the JSON view. */
function truncate(_key: string, value: unknown): unknown {
  if (Array.isArray(value) && value.length > 16) return [...value.slice(0, 16), `… ${value.length - 16} more`];
  if (typeof value === "string" && value.length > 400) return `${value.slice(0, 400)}… (${value.length} characters)`;
  return value;
}
