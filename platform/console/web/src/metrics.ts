// Latency per service and per pipeline stage: from /v1/metrics/summary when the server has it, else worked out
// here from the Prometheus histograms of /metrics (the quantile interpolated within its bucket, as Prometheus'
// histogram_quantile does).
import { ApiError, getJson, getText } from "./api";

export interface Latency {
  p50: number | null; // seconds
  p99: number | null;
  count: number;
}

interface Hist {
  buckets: [number, number][]; // (le, cumulative count)
  count: number;
}

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(\w+)="((?:[^"\\]|\\.)*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out[m[1]] = m[2].replace(/\\(.)/g, "$1");
  return out;
}

export function quantile(q: number, h: Hist): number | null {
  if (h.count <= 0) return null;
  const b = [...h.buckets].sort((x, y) => x[0] - y[0]);
  const rank = q * h.count;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, c] of b) {
    if (c >= rank) {
      if (!isFinite(le)) return prevLe;
      const inBucket = c - prevCount;
      return inBucket <= 0 ? le : prevLe + ((le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = le;
    prevCount = c;
  }
  return prevLe;
}

/** Histograms of one metric in Prometheus text, keyed by the label values named. */
export function histograms(text: string, metric: string, keyLabels: string[]): Map<string, Latency> {
  const hists = new Map<string, Hist>();
  for (const line of text.split("\n")) {
    if (!line.startsWith(metric)) continue;
    const m = /^(\w+)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = parseLabels(m[2]);
    const key = keyLabels.map((l) => labels[l] ?? "").join("/");
    const v = Number(m[3]);
    const hist = hists.get(key) ?? { buckets: [], count: 0 };
    hists.set(key, hist);
    if (m[1] === `${metric}_bucket`) hist.buckets.push([labels.le === "+Inf" ? Infinity : Number(labels.le), v]);
    else if (m[1] === `${metric}_count`) hist.count = v;
  }
  const out = new Map<string, Latency>();
  for (const [k, h] of hists) out.set(k, { p50: quantile(0.5, h), p99: quantile(0.99, h), count: h.count });
  return out;
}

export interface Summary {
  services: Map<string, Latency>; // by service id
  stages: Map<string, Latency>; // by "pipeline/stage"
}

function toLatency(o: Record<string, unknown>): Latency {
  const sec = (v: unknown, ms: unknown) =>
    typeof v === "number" ? v : typeof ms === "number" ? ms / 1000 : null;
  return {
    p50: sec(o.p50_s ?? o.p50, o.p50_ms),
    p99: sec(o.p99_s ?? o.p99, o.p99_ms),
    count: Number(o.calls ?? o.count ?? 0),
  };
}

let summaryMissing = false;

export async function latencySummary(): Promise<Summary> {
  if (!summaryMissing) {
    try {
      const j = await getJson<Record<string, unknown>>("/v1/metrics/summary");
      const services = new Map<string, Latency>();
      const stages = new Map<string, Latency>();
      const list = (v: unknown) => (Array.isArray(v) ? (v as Record<string, unknown>[]) : []);
      for (const s of list(j.services)) services.set(String(s.id), toLatency(s));
      for (const s of list(j.stages)) stages.set(`${s.pipeline}/${s.stage}`, toLatency(s));
      for (const p of list(j.pipelines)) {
        for (const s of list(p.stages)) stages.set(`${p.name ?? p.pipeline}/${s.stage ?? s.name}`, toLatency(s));
      }
      return { services, stages };
    } catch (e) {
      if (!(e instanceof ApiError && e.missingEndpoint)) throw e;
      summaryMissing = true;
    }
  }
  const text = await getText("/metrics");
  return {
    services: histograms(text, "stoa_service_latency_seconds", ["id"]),
    stages: histograms(text, "stoa_pipeline_stage_latency_seconds", ["pipeline", "stage"]),
  };
}
