import dagre from "@dagrejs/dagre";
import { getJson } from "../api";
import { badge, fmtMs, h, patch, replace, replaceIf, s } from "../dom";
import { latencySummary } from "../metrics";
import { fetchPipelines, fileLine, Pipeline } from "../model";
import { load, Page, section } from "../page";

interface Stage {
  name: string;
  kind: string;
  call?: string;
  file?: string;
  line?: number;
  optional?: boolean;
  refs?: string[];
}

interface Detail extends Pipeline {
  problems?: { file: string; line: number; message: string }[];
  source?: string | null;
  sourceError?: string;
  includes?: { file: string; source: string }[];
  stages?: Stage[];
  edges?: { from: string; to: string }[];
  output?: string | null;
  description?: string;
}

const NODE_W = 150;
const NODE_H = 44;

/** Lays the stages out top to bottom (dagre) and draws them as an SVG, input at the top and output at the bottom. */
function graph(d: Detail, latency: Map<string, number | null>): SVGElement {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 36, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const names = new Set<string>(["input", "output"]);
  for (const st of d.stages ?? []) names.add(st.name);
  for (const e of d.edges ?? []) {
    names.add(e.from);
    names.add(e.to);
  }
  for (const n of names) g.setNode(n, { width: n === "input" || n === "output" ? 90 : NODE_W, height: n === "input" || n === "output" ? 30 : NODE_H });
  for (const e of d.edges ?? []) g.setEdge(e.from, e.to);
  dagre.layout(g);
  // the box around every node and every edge's points (an edge that skips ranks may bend outside the nodes)
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const grow = (x: number, y: number) => { minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y); };
  for (const n of g.nodes()) { const v = g.node(n); grow(v.x - v.width / 2, v.y - v.height / 2); grow(v.x + v.width / 2, v.y + v.height / 2); }
  for (const e of g.edges()) for (const p of g.edge(e).points ?? []) grow(p.x, p.y);
  minX -= 8; minY -= 8; maxX += 8; maxY += 8;
  const width = Math.round(maxX - minX);
  const height = Math.round(maxY - minY);
  const svg = s("svg", { viewBox: `${minX} ${minY} ${width} ${height}`, width, height, role: "img", "aria-label": `Stages of ${d.name}`, "data-testid": "pipeline-graph" });
  svg.appendChild(s("defs", {}, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, s("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }))));
  for (const e of g.edges()) {
    const pts = g.edge(e).points ?? [];
    const path = pts.map((p: { x: number; y: number }, i: number) => `${i ? "L" : "M"} ${p.x} ${p.y}`).join(" ");
    svg.appendChild(s("path", { d: path, class: "edge", "marker-end": "url(#arrow)", "data-testid": "pipeline-edge", "data-from": e.v, "data-to": e.w }));
  }
  const byName = new Map((d.stages ?? []).map((st) => [st.name, st]));
  const missing = new Set(d.missingServices ?? []);
  for (const n of g.nodes()) {
    const node = g.node(n);
    const st = byName.get(n);
    const terminal = n === "input" || n === "output";
    const bad = st?.call !== undefined && missing.has(st.call);
    const grp = s("g", { class: `node ${terminal ? "terminal" : ""} ${bad ? "bad" : ""}`, transform: `translate(${node.x - node.width / 2},${node.y - node.height / 2})`, "data-testid": "pipeline-node", "data-stage": n });
    grp.appendChild(s("rect", { width: node.width, height: node.height, rx: 6 }));
    grp.appendChild(s("text", { x: node.width / 2, y: terminal ? 19 : 18, "text-anchor": "middle", class: "name" }, n));
    if (st) {
      const sub = `${st.kind}${st.call ? ` ${st.call}` : ""}`;
      const ms = latency.get(n);
      grp.appendChild(s("text", { x: node.width / 2, y: 34, "text-anchor": "middle", class: "sub" }, `${sub.length > 20 ? sub.slice(0, 19) + "…" : sub}${ms != null ? ` · ${fmtMs(ms)}` : ""}`));
      grp.appendChild(s("title", {}, `${st.kind}${st.call ? ` → ${st.call}` : ""}${st.file ? ` (${st.file}:${st.line})` : ""}${st.optional ? ", optional" : ""}`));
    }
    svg.appendChild(grp);
  }
  return svg;
}

export function pipelinesPage(selected?: string): Page {
  const list = h("ul", { class: "picker" });
  const detail = h("div", { class: "pipeline-detail" });
  const listCard = section("Pipelines", list);
  const detailCard = section("Pipeline", detail);
  const root = h("div", { class: "split" }, listCard, detailCard);
  let current = selected;

  async function refresh(): Promise<void> {
    const ps = await load(listCard, "/v1/pipelines", fetchPipelines);
    if (!ps) return;
    if (!current && ps.length) current = ps[0].name;
    patch(list, ps.map((p) => ({ name: p.name, state: p.state, current: p.name === current })), (p) => p.name, (p) =>
      h("li", {}, h("a", {
        href: `#/pipelines/${encodeURIComponent(p.name)}`, class: "item", "data-testid": "pipeline-item", "data-name": p.name, "data-state": p.state,
        "aria-current": p.current ? "true" : undefined,
      }, p.name, " ", badge(p.state))));
    const summary = ps.find((p) => p.name === current);
    if (!summary) {
      replace(detail, h("p", { class: "muted" }, ps.length ? "Pick a pipeline." : "No pipeline files in etc/pipelines/."));
      return;
    }
    const d = (await load(detailCard, "/v1/pipelines/{name}", () => getJson<Detail>(`/v1/pipelines/${encodeURIComponent(summary.name)}`))) ?? summary;
    const lat = await load(null, "/v1/metrics/summary", latencySummary);
    const stageLatency = new Map<string, number | null>();
    const rows: HTMLElement[] = [];
    for (const st of (d as Detail).stages ?? []) {
      const l = lat?.stages.get(`${d.name}/${st.name}`);
      stageLatency.set(st.name, l?.p50 ?? null);
      rows.push(h("tr", { "data-testid": "pipeline-stage-latency", "data-stage": st.name },
        h("td", {}, st.name), h("td", {}, st.kind, st.call ? ` ${st.call}` : ""),
        h("td", { class: "num" }, l?.count ?? 0), h("td", { class: "num" }, fmtMs(l?.p50)), h("td", { class: "num" }, fmtMs(l?.p99))));
    }
    const full = d as Detail;
    const problems = full.problems?.length
      ? full.problems.map((p) => ({ file: p.file, line: p.line, text: p.message }))
      : d.errors.map((e) => ({ ...(fileLine(e) ?? { file: d.file, line: 0 }), text: e }));
    const source = full.source ?? null;
    const errorLines = new Set(problems.filter((p) => p.file === d.file && p.line > 0).map((p) => p.line));
    replaceIf(detail, [d, [...stageLatency], rows.length && lat ? [...lat.stages].filter(([k]) => k.startsWith(`${d.name}/`)) : []], () => [
      h("header", { class: "row" }, h("h3", {}, d.name), badge(d.state), h("code", {}, d.file),
        h("a", { href: `#/playground/pipeline:${encodeURIComponent(d.name)}` }, "Try it")),
      full.description ? h("p", {}, full.description) : null,
      d.missingServices.length ? h("p", { class: "note warn" }, `Waiting for: ${d.missingServices.join(", ")}`) : null,
      h("div", { class: problems.length ? "" : "hidden" },
        h("h4", {}, `Errors (${problems.length})`),
        h("ul", { class: "errors", "data-testid": "pipeline-errors" }, problems.map((p) =>
          h("li", { "data-testid": "pipeline-error", "data-file": p.file, "data-line": p.line > 0 ? p.line : undefined },
            p.line > 0 ? h("code", {}, `${p.file}:${p.line}`) : null, " ", p.text.replace(/^[^\s:]+\.ya?ml:\d+(:\d+)?:\s*/, ""))))),
      h("div", { class: "graph-yaml" },
        h("div", { class: "graph" }, full.stages?.length ? graph(full, stageLatency) : h("p", { class: "muted" }, full.stages ? "No stage parses." : "This server does not describe the stages (GET /v1/pipelines/{name})."),
          rows.length ? h("table", {}, h("thead", {}, h("tr", {}, ["Stage", "Kind", "Calls", "p50", "p99"].map((t) => h("th", {}, t)))), h("tbody", {}, rows)) : null),
        h("div", { class: "yaml" },
          h("h4", {}, "YAML"),
          source === null
            ? h("p", { class: "muted" }, full.sourceError ?? "The source is not available.")
            : h("pre", { "data-testid": "pipeline-yaml", tabindex: 0, "aria-label": `${d.file} source` },
                source.split("\n").map((line, i) => [h("span", { class: errorLines.has(i + 1) ? "line bad" : "line", "data-line": i + 1, title: errorLines.has(i + 1) ? `line ${i + 1}: see the errors above` : undefined }, line), "\n"])),
          (full.includes ?? []).map((inc) => [h("h4", {}, inc.file), h("pre", { tabindex: 0 }, inc.source)]))),
    ]);
  }
  return { root, refresh };
}
