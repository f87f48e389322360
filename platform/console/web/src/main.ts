import "./style.css";
import { apiKey, setApiKey } from "./api";
import { h, notify } from "./dom";
import { connect, setRefresher } from "./live";
import { Page } from "./page";
import { overviewPage } from "./pages/overview";
import { bundlesPage } from "./pages/bundles";
import { servicesPage } from "./pages/services";
import { pipelinesPage } from "./pages/pipelines";
import { trainingsPage } from "./pages/trainings";
import { playgroundPage } from "./pages/playground";

const PAGES: { id: string; title: string; make: (arg: string | undefined) => Page }[] = [
  { id: "overview", title: "Overview", make: overviewPage },
  { id: "bundles", title: "Bundles", make: bundlesPage },
  { id: "services", title: "Services & models", make: servicesPage },
  { id: "pipelines", title: "Pipelines", make: pipelinesPage },
  { id: "trainings", title: "Trainings", make: trainingsPage },
  { id: "playground", title: "Playground", make: playgroundPage },
];

let current: Page | null = null;

function route(): void {
  const [, id, ...rest] = (location.hash || "#/overview").split("/");
  const def = PAGES.find((p) => p.id === id) ?? PAGES[0];
  for (const a of document.querySelectorAll<HTMLAnchorElement>("#nav a")) {
    if (a.dataset.page === def.id) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  current?.dispose?.();
  const page = def.make(rest.length ? decodeURIComponent(rest.join("/")) : undefined);
  current = page;
  page.root.dataset.testid = `page-${def.id}`;
  page.root.classList.add("page");
  const main = document.getElementById("main")!;
  main.replaceChildren(h("h1", {}, def.title), page.root);
  document.title = `${def.title} · Stoa console`;
  setRefresher(async () => {
    if (current !== page) return;
    await page.refresh();
    page.root.dataset.loaded = "true";
  });
}

function showKey(): void {
  const state = document.getElementById("key-state")!;
  state.textContent = apiKey() ? "key set" : "no key";
}

function setup(): void {
  const nav = document.getElementById("nav")!;
  for (const p of PAGES) {
    nav.appendChild(h("a", { href: `#/${p.id}`, "data-page": p.id, "data-testid": `nav-${p.id}` }, p.title));
  }
  const form = document.getElementById("key-form") as HTMLFormElement;
  const input = document.getElementById("api-key") as HTMLInputElement;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const k = input.value.trim();
    if (!k) {
      notify("error", "Enter an API key first (on the server's machine: data/local-admin.key)");
      return;
    }
    setApiKey(k);
    input.value = "";
    showKey();
    notify("success", "API key set for this browser session");
    connect();
    route();
  });
  document.getElementById("key-clear")!.addEventListener("click", () => {
    setApiKey(null);
    showKey();
    notify("success", "API key forgotten");
    connect();
    route();
  });
  showKey();
  window.addEventListener("hashchange", route);
  connect();
  route();
}

setup();
