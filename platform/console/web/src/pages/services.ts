import { badge, fmtMs, h, patch } from "../dom";
import { latencySummary, Summary } from "../metrics";
import { fetchModels, fetchServices, Service } from "../model";
import { load, Page, section } from "../page";

function status(s: Service): string {
  // a model's service: its model's status (UNTRAINED, TRAINING, READY, ...); otherwise the bus's state
  return s.modelStatus?.state ?? s.state;
}

export function servicesPage(): Page {
  const services = h("tbody");
  const models = h("tbody");
  const servicesCard = section("Services",
    h("table", {}, h("thead", {}, h("tr", {},
      ["Id", "Kind", "Version", "Status", "Input → output", "Calls", "Failures", "p50", "p99"].map((t) => h("th", {}, t)))), services));
  const modelsCard = section("Models",
    h("table", {}, h("thead", {}, h("tr", {}, ["Model", "Status", "Policy", "Versions", "Services"].map((t) => h("th", {}, t)))), models));
  const root = h("div", {}, servicesCard, modelsCard);

  async function refresh(): Promise<void> {
    const [list, lat, ms] = await Promise.all([
      load(servicesCard, "/v1/services", fetchServices),
      load(servicesCard, "/metrics", latencySummary),
      load(modelsCard, "/v1/models", fetchModels),
    ]);
    const latency: Summary = lat ?? { services: new Map(), stages: new Map() };
    if (list) {
      const rows = [...list].sort((a, b) => a.id.localeCompare(b.id)).map((s) => ({ s, l: latency.services.get(s.id) }));
      patch(services, rows, (r) => `${r.s.id}@${r.s.node ?? ""}`, ({ s, l }) => {
        return h("tr", { "data-testid": "service-row", "data-id": s.id, "data-kind": s.kind, "data-state": status(s) },
          h("td", {}, h("a", { href: `#/playground/service:${encodeURIComponent(s.id)}`, title: "Try it in the playground" }, s.id), s.node ? h("small", {}, ` @${s.node}`) : ""),
          h("td", {}, s.kind),
          h("td", {}, s.version ?? ""),
          h("td", { "data-testid": "service-status", title: s.modelStatus?.message ?? "" }, badge(status(s))),
          h("td", {}, h("small", {}, `${s.inputType ?? "?"} → ${s.outputType ?? "?"}`)),
          h("td", { class: "num", "data-testid": "service-calls" }, s.calls ?? l?.count ?? 0),
          h("td", { class: "num" }, s.failures ?? 0),
          h("td", { class: "num", "data-testid": "service-p50" }, fmtMs(l?.p50)),
          h("td", { class: "num", "data-testid": "service-p99" }, fmtMs(l?.p99)));
      });
    }
    if (ms) {
      patch(models, ms, (m) => m.id, (m) =>
        h("tr", { "data-testid": "model-row", "data-id": m.id, "data-status": m.status.state },
          h("td", {}, m.id),
          h("td", { title: m.status.message ?? "" }, badge(m.status.state), m.status.message ? h("small", { class: "block" }, m.status.message) : ""),
          h("td", {}, m.policy ?? ""),
          h("td", { "data-testid": "model-versions" }, (m.versions ?? []).map((v) =>
            h("span", { class: `chip ${v.serving ? "good" : ""}` }, `v${v.version} ${v.status?.state ?? ""}`)) ),
          h("td", {}, (m.services ?? []).join(", "))));
    }
  }
  return { root, refresh };
}
