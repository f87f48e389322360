import { describe, request } from "../api";
import { badge, h, notify, patch, replace } from "../dom";
import { on } from "../live";
import { Bundle, fetchBundles } from "../model";
import { load, Page, section } from "../page";

interface Verdict {
  file: string;
  status: string;
  problem?: string | null;
  bundleId?: number;
  time: string;
}

const verdicts: Verdict[] = []; // kept across visits for the browser session

function verdictItem(v: Verdict): HTMLElement {
  return h("li", { "data-testid": "deploy-verdict", "data-file": v.file, "data-status": v.status },
    h("time", {}, v.time), " ", h("code", {}, v.file), " ", badge(v.status), v.problem ? ` ${v.problem}` : "");
}

function record(v: Omit<Verdict, "time">): void {
  const last = verdicts.find((x) => x.file === v.file);
  if (last && last.status === v.status && (last.problem ?? null) === (v.problem ?? null)) return; // the event of our own action
  verdicts.unshift({ ...v, time: new Date().toLocaleTimeString() });
  verdicts.splice(20);
}

function fileName(b: Bundle): string | null {
  if (b.file) return b.file;
  return null;
}

export function bundlesPage(): Page {
  const table = h("tbody");
  const upload = h("input", { type: "file", id: "bundle-upload", accept: ".jar", "data-testid": "bundle-upload-input" });
  const updateInput = h("input", { type: "file", accept: ".jar", class: "hidden", "data-testid": "bundle-update-input", "aria-label": "New version of the bundle" });
  const verdictList = h("ol", { class: "verdicts", "data-testid": "deploy-verdicts" });
  const listCard = section("Bundles",
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Id"), h("th", {}, "Bundle"), h("th", {}, "Version"), h("th", {}, "State"), h("th", {}, "Deploy file"), h("th", {}, "Problem"), h("th", {}, "Actions"))), table),
    updateInput);
  let updating: string | null = null;

  async function send(method: "POST" | "PUT" | "DELETE", file: string, body?: File): Promise<void> {
    const path = method === "POST" ? `/v1/bundles?file=${encodeURIComponent(file)}` : `/v1/bundles/${encodeURIComponent(file)}`;
    try {
      const res = await request(path, {
        method,
        body,
        headers: body ? { "Content-Type": "application/java-archive" } : {},
      });
      const j = (await res.json().catch(() => ({}))) as Partial<Verdict>;
      const v = { file: j.file ?? file, status: j.status ?? "OK", problem: j.problem, bundleId: j.bundleId };
      record(v);
      notify(v.problem ? "error" : "success",
        `${method === "DELETE" ? "Removed" : method === "PUT" ? "Updated" : "Installed"} ${v.file}: ${v.status}${v.problem ? ` (${v.problem})` : ""}`);
    } catch (e) {
      record({ file, status: "REFUSED", problem: describe(e) });
      notify("error", `${file}: ${describe(e)}`);
    }
    await refresh();
  }

  const form = h("form", { class: "row", onsubmit: (e: Event) => {
    e.preventDefault();
    const f = upload.files?.[0];
    if (!f) {
      notify("error", "Choose a bundle jar to install first");
      return;
    }
    void send("POST", f.name, f).then(() => (upload.value = ""));
  } },
    h("label", { for: "bundle-upload" }, "Install a bundle (jar)"), upload,
    h("button", { type: "submit", "data-testid": "bundle-upload-submit" }, "Install"));

  updateInput.addEventListener("change", () => {
    const f = updateInput.files?.[0];
    if (f && updating) void send("PUT", updating, f);
    updateInput.value = "";
    updating = null;
  });

  const root = h("div", {},
    section("Install", h("p", { class: "muted" }, "Install, update and remove need a key with the admin scope."), form),
    listCard,
    section("Deploy verdicts", verdictList));

  // the deployer's verdicts as they happen, when the server streams them
  const off = on("deploy", (data) => {
    const d = data as Partial<Verdict>;
    if (d && d.file) {
      record({ file: d.file, status: d.status ?? "?", problem: d.problem, bundleId: d.bundleId });
      replace(verdictList, verdicts.map(verdictItem));
    }
  });

  async function refresh(): Promise<void> {
    const bundles = await load(listCard, "/v1/bundles", fetchBundles);
    const sig = JSON.stringify(verdicts);
    if (verdictList.dataset.sig !== sig) {
      verdictList.dataset.sig = sig;
      replace(verdictList, verdicts.length ? verdicts.map(verdictItem) : h("li", { class: "muted" }, "No deployments in this session yet."));
    }
    if (!bundles) return;
    patch(table, bundles, (b) => `${b.id}:${b.file ?? ""}:${b.symbolicName ?? ""}`, (b) => {
      const file = fileName(b);
      const name = b.symbolicName ?? b.file ?? String(b.id);
      return h("tr", { "data-testid": "bundle-row", "data-name": name, "data-file": file ?? undefined, "data-state": b.state },
        h("td", {}, b.id >= 0 ? b.id : ""),
        h("td", {}, name),
        h("td", {}, b.version ?? ""),
        h("td", {}, badge(b.state, "bundle-state")),
        h("td", {}, file ? h("code", {}, file) : ""),
        h("td", { class: "problem", "data-testid": "bundle-problem" }, b.problem ?? ""),
        h("td", { class: "actions" }, file
          ? [
              h("button", { type: "button", "data-testid": "bundle-update", "aria-label": `Update ${file}`, onclick: () => { updating = file; updateInput.click(); } }, "Update"),
              h("button", { type: "button", class: "danger", "data-testid": "bundle-remove", "aria-label": `Remove ${file}`, onclick: () => void send("DELETE", file) }, "Remove"),
            ]
          : ""));
    });
  }
  return { root, refresh, dispose: off };
}
