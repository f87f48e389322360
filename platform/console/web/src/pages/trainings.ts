import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { describe, getJson, sendJson } from "../api";
import { badge, fmtNum, h, notify, patch, replace } from "../dom";
import { on } from "../live";
import { fetchTrainings, Training } from "../model";
import { load, Page, section } from "../page";

interface Point {
  step: number;
  metrics: Record<string, number | null>;
}

interface Evaluation {
  step: number;
  evaluation: Record<string, number | null>;
}

interface History {
  points: Point[];
  evaluations: Evaluation[];
  state?: string;
}

const NOT_LOSS = new Set(["lr", "grad_norm", "samples_per_s", "skipped_steps", "skipped_examples", "logit_scale"]);
const COLOURS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#be185d", "#4b5563"];
const FINISHED = new Set(["succeeded", "failed", "cancelled"]);

/** One uPlot chart whose series follow the data's keys (re-created when a key appears). */
class Chart {
  private plot: uPlot | null = null;
  private keys = "";
  readonly el: HTMLElement;

  constructor(
    private readonly testid: string,
    private readonly title: string,
    private readonly height = 220,
    private readonly log = false,
  ) {
    this.el = h("div", { class: "chart", "data-testid": testid, "data-points": 0 });
  }

  set(steps: number[], series: Map<string, (number | null)[]>): void {
    const names = [...series.keys()];
    this.el.dataset.points = String(steps.length);
    const data = [steps, ...names.map((n) => series.get(n)!)] as uPlot.AlignedData;
    const width = Math.max(300, Math.min(this.el.clientWidth || 560, 900) - 8);
    if (this.plot && this.keys === names.join("|")) {
      this.plot.setData(data);
      return;
    }
    this.plot?.destroy();
    this.keys = names.join("|");
    this.el.replaceChildren();
    if (!names.length) {
      this.el.appendChild(h("p", { class: "muted" }, `${this.title}: no points yet.`));
      this.plot = null;
      return;
    }
    this.plot = new uPlot(
      {
        title: this.title,
        width,
        height: this.height,
        scales: { x: { time: false }, y: this.log ? { distr: 3 } : {} },
        axes: [{ label: "step" }, { size: 64, space: 24, values: (_u: uPlot, vals: number[]) => vals.map((v) => fmtNum(v)) }],
        series: [{ label: "step" }, ...names.map((n, i) => ({ label: n, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: true }))],
      },
      data,
      this.el,
    );
    this.plot.root.querySelector("canvas")?.setAttribute("data-testid", `${this.testid}-canvas`);
  }

  destroy(): void {
    this.plot?.destroy();
  }
}

function columns(rows: { step: number; values: Record<string, number | null> }[], keep: (k: string) => boolean): [number[], Map<string, (number | null)[]>] {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.values)) if (keep(k)) keys.add(k);
  const series = new Map<string, (number | null)[]>();
  for (const k of [...keys].sort((a, b) => (a === "loss" ? -1 : b === "loss" ? 1 : a.localeCompare(b)))) {
    series.set(k, rows.map((r) => (typeof r.values[k] === "number" ? r.values[k] : null)));
  }
  return [rows.map((r) => r.step), series];
}

export function trainingsPage(selected?: string): Page {
  const rows = h("tbody");
  const fileInput = h("input", { id: "training-file", type: "text", value: "etc/train/clip-shapes.yaml", size: 40, "data-testid": "training-file-input" });
  const listCard = section("Runs",
    h("form", { class: "row", onsubmit: (e: Event) => { e.preventDefault(); void start(); } },
      h("label", { for: "training-file" }, "Training file"), fileInput,
      h("button", { type: "submit", "data-testid": "training-start" }, "Start")),
    h("table", {}, h("thead", {}, h("tr", {}, ["Run", "State", "Progress", "Loss", "Samples/s", "ETA", ""].map((t) => h("th", {}, t)))), rows));
  const head = h("div", {});
  const lossChart = new Chart("training-chart", "Loss and its parts");
  const lrChart = new Chart("training-lr-chart", "Learning rate", 120);
  const evalChart = new Chart("training-eval-chart", "Evaluation", 140);
  const pointCount = h("span", { "data-testid": "training-points" }, "0");
  const report = h("div", {});
  const chartCard = section("Run", head, h("p", { class: "muted" }, "Points: ", pointCount),
    h("div", { class: "charts" }, lossChart.el, h("div", {}, lrChart.el, evalChart.el)), report);
  const root = h("div", {}, listCard, chartCard);

  let current = selected;
  let historyOf: string | undefined;
  let historyMissing = false;
  let runs: Training[] = [];

  async function start(): Promise<void> {
    const file = fileInput.value.trim();
    try {
      const t = await sendJson<Training>("POST", "/v1/trainings", { file });
      notify("success", `Started ${t.id} (${t.state})`);
      location.hash = `#/trainings/${encodeURIComponent(t.id)}`;
    } catch (e) {
      notify("error", `Start ${file}: ${describe(e)}`);
    }
  }

  async function cancel(id: string): Promise<void> {
    try {
      const t = await sendJson<Training>("DELETE", `/v1/trainings/${encodeURIComponent(id)}`);
      notify("success", `Cancelling ${id}: ${t.state}`);
    } catch (e) {
      notify("error", `Cancel ${id}: ${describe(e)}`);
    }
    await refresh();
  }

  // points by step: the server's history (GET /v1/trainings/{id}/metrics) and the live training events both write
  // here, so a point that came by one way and not the other is there once, and none is lost to a race between them
  let points = new Map<number, Point>();
  let evaluations = new Map<number, Evaluation>();
  let liveEval: Evaluation | null = null; // the newest evaluation an event carried, until the server lists it
  let serverStep = -1; // the last step the history endpoint answered: the next fetch asks for what came after

  function addPoint(t: Training): void {
    // a live status: its metrics are those of its step (the stream's training events, or a poll)
    if (!t.metrics || !Object.keys(t.metrics).length || t.step <= 0) return;
    if (!points.has(t.step)) points.set(t.step, { step: t.step, metrics: t.metrics });
    // an event repeats the last evaluation until the next one: keep it at the step where its numbers first came
    if (t.evaluation && Object.keys(t.evaluation).length) {
      if (!liveEval || JSON.stringify(liveEval.evaluation) !== JSON.stringify(t.evaluation)) {
        liveEval = { step: t.step, evaluation: t.evaluation };
      }
    }
  }

  function draw(): void {
    const pts = [...points.values()].sort((a, b) => a.step - b.step).map((p) => ({ step: p.step, values: p.metrics }));
    const listed = [...evaluations.values()].sort((a, b) => a.step - b.step);
    const newest = listed[listed.length - 1];
    if (liveEval && (!newest || (liveEval.step > newest.step && JSON.stringify(liveEval.evaluation) !== JSON.stringify(newest.evaluation)))) {
      listed.push(liveEval);
    }
    const evs = listed.map((e) => ({ step: e.step, values: e.evaluation }));
    lossChart.set(...columns(pts, (k) => !NOT_LOSS.has(k)));
    lrChart.set(...columns(pts, (k) => k === "lr"));
    evalChart.set(...columns(evs, () => true));
    pointCount.textContent = String(pts.length);
  }

  const off = on("training", (data) => {
    const t = data as Training;
    if (!t || !t.id) return;
    if (t.id === current && historyOf === current) {
      addPoint(t);
      draw();
    }
  });

  async function loadHistory(id: string): Promise<void> {
    if (historyMissing) return;
    // from the last step answered again (the map keeps each step once): an evaluation written just after its
    // step's point is not skipped
    const since = historyOf === id && serverStep > 0 ? serverStep - 1 : undefined;
    const r = await load(chartCard, `/v1/trainings/{id}/metrics`, () =>
      getJson<History>(`/v1/trainings/${encodeURIComponent(id)}/metrics${since !== undefined ? `?since=${since}` : ""}`));
    if (!r) {
      historyMissing = true; // an older server: build the chart from the live statuses instead
      return;
    }
    if (historyOf !== id) {
      points = new Map();
      evaluations = new Map();
    }
    historyOf = id;
    // the server's point of a step wins over the event's (they carry the same numbers; the server's is the record)
    for (const p of r.points ?? []) {
      points.set(p.step, p);
      serverStep = Math.max(serverStep, p.step);
    }
    for (const e of r.evaluations ?? []) evaluations.set(e.step, e);
  }

  async function refresh(): Promise<void> {
    const list = await load(listCard, "/v1/trainings", fetchTrainings);
    if (!list) return;
    runs = list;
    if (!current && runs.length) current = runs[runs.length - 1].id;
    patch(rows, runs.map((t) => ({ ...t, selected: t.id === current })), (t) => t.id, (t) =>
      h("tr", { "data-testid": "training-row", "data-id": t.id, "data-state": t.state, class: t.selected ? "selected" : "" },
        h("td", {}, h("a", { href: `#/trainings/${encodeURIComponent(t.id)}`, "data-testid": "training-open" }, t.id)),
        h("td", { title: t.message ?? "" }, badge(t.state)),
        h("td", {}, h("progress", { max: 1, value: t.progress ?? (t.steps ? t.step / t.steps : 0), "aria-label": `${t.id} progress` }), ` ${t.step}/${t.steps}`),
        h("td", { class: "num" }, fmtNum(t.metrics?.loss)),
        h("td", { class: "num" }, typeof t.samples_per_s === "number" ? t.samples_per_s.toFixed(0) : "–"),
        h("td", { class: "num" }, t.eta_s !== undefined && t.eta_s >= 0 && !FINISHED.has(t.state) ? `${Math.round(t.eta_s)} s` : "–"),
        h("td", {}, FINISHED.has(t.state) ? "" : h("button", { type: "button", class: "danger", "data-testid": "training-cancel", "aria-label": `Cancel ${t.id}`, onclick: () => void cancel(t.id) }, "Cancel"))));
    const run = runs.find((t) => t.id === current);
    if (!run) {
      replace(head, h("p", { class: "muted" }, runs.length ? "Pick a run." : "No training runs yet: start one above."));
      return;
    }
    if (historyOf !== run.id) {
      points = new Map();
      evaluations = new Map();
      liveEval = null;
      serverStep = -1;
    }
    await loadHistory(run.id);
    if (historyMissing) {
      historyOf = run.id;
      addPoint(run);
    }
    replace(head, h("h3", {}, run.id, " ", badge(run.state)),
      h("p", {}, `${run.file ?? ""} → model ${run.model ?? "?"}; step ${run.step} of ${run.steps}`, run.message ? ` — ${run.message}` : ""));
    draw();
    replace(report, FINISHED.has(run.state)
      ? h("div", { class: "report", "data-testid": "training-report" },
          h("h4", {}, "Report"),
          h("p", {}, `Ended ${run.state} at step ${run.step} of ${run.steps}.`),
          run.message ? h("p", {}, run.message) : null,
          h("table", {}, h("tbody", {},
            Object.entries(run.metrics ?? {}).map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", { class: "num" }, fmtNum(v)))),
            Object.entries(run.evaluation ?? {}).map(([k, v]) => h("tr", {}, h("th", {}, `eval ${k}`), h("td", { class: "num" }, fmtNum(v)))))),
          run.run_dir ? h("p", { class: "muted" }, `Files (report.md, metrics.jsonl, loss.png) in ${run.run_dir}`) : null)
      : "");
  }
  return { root, refresh, dispose: () => { off(); lossChart.destroy(); lrChart.destroy(); evalChart.destroy(); } };
}
