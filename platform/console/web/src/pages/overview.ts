import { ApiError, getJson, headers } from "../api";
import { badge, countBy, h, replaceIf } from "../dom";
import { fetchBundles, fetchPipelines, fetchServices, fetchTrainings } from "../model";
import { load, Page, section } from "../page";

interface Check {
  name: string;
  status: string;
  reason?: string;
}

interface ErrorEntry {
  time?: string | number;
  source?: string;
  message: string;
}

function countCard(testid: string, title: string, href: string, items: { state: string }[] | null): HTMLElement {
  if (!items) return h("a", { class: "count", href, "data-testid": testid }, h("strong", {}, "–"), h("span", {}, title));
  const byState = [...countBy(items, (i) => i.state)].map(([k, v]) => `${k} ${v}`).join(", ");
  return h(
    "a",
    { class: "count", href, "data-testid": testid, "data-total": items.length },
    h("strong", {}, items.length),
    h("span", {}, title),
    h("small", {}, byState || "none"),
  );
}

export function overviewPage(): Page {
  const health = h("div", { class: "health" });
  const counts = h("div", { class: "counts" });
  const errors = h("ol", { class: "errors", "data-testid": "last-errors" });
  const healthCard = section("Health", health);
  const errorsCard = section("Last errors", errors);
  const root = h("div", {}, healthCard, section("Counts", counts), errorsCard);

  async function readiness(): Promise<{ status: string; checks: Check[] }> {
    // 503 with the same JSON when not ready: read it either way
    const res = await fetch("/health/ready", { headers: headers({ Accept: "application/json" }) });
    const j = await res.json().catch(() => null);
    if (!j || !Array.isArray(j.checks)) throw new ApiError(res.status, "HTTP", `/health/ready answered ${res.status}`, "/health/ready");
    return j;
  }

  async function refresh(): Promise<void> {
    const [ready, bundles, services, pipelines, trainings] = await Promise.all([
      load(healthCard, "/health/ready", readiness),
      load(null, "/v1/bundles", fetchBundles),
      load(null, "/v1/services", fetchServices),
      load(null, "/v1/pipelines", fetchPipelines),
      load(null, "/v1/trainings", fetchTrainings),
    ]);
    if (ready) {
      const down = ready.checks.filter((c) => c.status !== "UP");
      replaceIf(health, ready, () => [
        h("p", {}, "Readiness: ", h("strong", { class: `badge ${ready.status === "UP" ? "good" : "bad"}`, "data-testid": "health-status", "data-status": ready.status }, ready.status),
          ` (${ready.checks.length - down.length} of ${ready.checks.length} checks up)`),
        down.length
          ? h("ul", { class: "reasons" }, down.map((c) => h("li", { "data-testid": "health-reason" }, h("code", {}, c.name), ": ", c.reason ?? "down")))
          : null,
      ]);
    }
    const states = (xs: { state: string }[] | null) => xs?.map((x) => x.state) ?? null;
    replaceIf(counts, [bundles, services, pipelines, trainings].map(states), () => [
      countCard("count-bundles", "bundles", "#/bundles", bundles),
      countCard("count-services", "services", "#/services", services),
      countCard("count-pipelines", "pipelines", "#/pipelines", pipelines),
      countCard("count-trainings", "trainings", "#/trainings", trainings),
    ]);
    const fromServer = await load(errorsCard, "/v1/errors", () =>
      getJson<ErrorEntry[] | { errors: ErrorEntry[] }>("/v1/errors").then((r) => (Array.isArray(r) ? r : r.errors ?? [])),
    );
    // without /v1/errors, the problems the other lists carry
    const derived: ErrorEntry[] = [
      ...(bundles ?? []).filter((b) => b.problem).map((b) => ({ source: `bundle ${b.symbolicName ?? b.file}`, message: b.problem! })),
      ...(pipelines ?? []).flatMap((p) => p.errors.map((e) => ({ source: `pipeline ${p.name}`, message: e }))),
      ...(trainings ?? []).filter((t) => t.state === "failed").map((t) => ({ source: `training ${t.id}`, message: t.message ?? "failed" })),
    ];
    const list = fromServer ? fromServer.slice(0, 10) : derived.slice(-10).reverse(); // the server's come newest first
    replaceIf(errors, list, () => [
      list.length
        ? list.map((e) =>
            h("li", { "data-testid": "last-error" },
              e.time ? h("time", { datetime: String(e.time) }, new Date(e.time).toLocaleTimeString(), " ") : null,
              e.source ? h("strong", {}, e.source, ": ") : null,
              e.message))
        : h("li", { class: "muted" }, "No errors."),
    ]);
  }
  return { root, refresh };
}

export { badge };
