// A small element builder: h("div", {class: "x", "data-testid": "y"}, child, "text").
export type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (v === true) {
      el.setAttribute(k, "");
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

const SVG = "http://www.w3.org/2000/svg";

export function s(tag: string, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  return el;
}

export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** Shows the outcome of an action at the top of the page (newest first, the last five kept). */
export function notify(kind: "success" | "error", text: string): void {
  const box = document.getElementById("notices");
  if (!box) return;
  const n = h(
    "div",
    { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status", "data-testid": "notice", "data-kind": kind },
    h("span", {}, text),
    h("button", { type: "button", class: "link dismiss", "aria-label": "Dismiss", title: "Dismiss", onclick: () => n.remove() }),
  );
  box.prepend(n);
  if (kind === "success") window.setTimeout(() => n.remove(), 8000); // errors stay until dismissed
  while (box.children.length > 3) box.lastElementChild?.remove();
}

export function fmtMs(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return "–";
  const ms = seconds * 1000;
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function fmtNum(v: unknown): string {
  if (typeof v !== "number" || !isFinite(v)) return v === null || v === undefined ? "–" : String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(2);
  return Number.isInteger(v) ? String(v) : v.toFixed(4).replace(/0+$/, "").replace(/\.$/, "");
}

/** Counts of items by a key, as "A 3, B 1". */
export function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}

export function stateClass(state: string | undefined): string {
  const s = (state ?? "").toLowerCase();
  if (["active", "available", "serving", "ready", "up", "succeeded", "ok", "installed_ok", "started"].includes(s)) return "good";
  if (["failed", "invalid", "down", "error", "broken", "gone", "refused"].includes(s)) return "bad";
  return "warn";
}

export function badge(state: string | undefined, testid?: string): HTMLElement {
  return h("span", { class: `badge ${stateClass(state)}`, "data-testid": testid }, state ?? "–");
}

/**
 * Updates a list in place by key: an item whose data did not change keeps its element (so focus, a click in
 * progress and a test's handle survive the live updates); a changed one is re-rendered, keeping the focus on the
 * control of the same test id; gone ones are removed, and the order follows the items.
 */
export function patch<T>(container: Element, items: T[], key: (t: T) => string, render: (t: T) => HTMLElement): void {
  const old = new Map<string, HTMLElement>();
  for (const el of Array.from(container.children) as HTMLElement[]) {
    if (el.dataset.key !== undefined) old.set(el.dataset.key, el);
    else el.remove();
  }
  let prev: Element | null = null;
  for (const item of items) {
    const k = key(item);
    const sig = JSON.stringify(item);
    let el = old.get(k);
    old.delete(k);
    if (!el || el.dataset.sig !== sig) {
      const fresh = render(item);
      fresh.dataset.key = k;
      fresh.dataset.sig = sig;
      if (el) {
        const focused = el.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.testid : undefined;
        el.replaceWith(fresh);
        if (focused) fresh.querySelector<HTMLElement>(`[data-testid="${focused}"]`)?.focus();
      }
      el = fresh;
    }
    const want: Element | null = prev ? prev.nextElementSibling : container.firstElementChild;
    if (want !== el) {
      if (prev) prev.after(el);
      else container.prepend(el);
    }
    prev = el;
  }
  for (const el of old.values()) el.remove();
}

/** Replaces an element's children only when the data they show changed (keeps focus across live updates). */
export function replaceIf(el: HTMLElement, data: unknown, render: () => Child[]): void {
  const sig = JSON.stringify(data);
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  el.replaceChildren();
  append(el, render());
}
