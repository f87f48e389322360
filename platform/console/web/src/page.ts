import { ApiError } from "./api";
import { h } from "./dom";

/** One page of the console: built once per visit, refreshed by the live updates while shown. */
export interface Page {
  root: HTMLElement;
  refresh(): Promise<void>;
  dispose?(): void;
}

/**
 * Runs a page's data loads: a missing endpoint (an older server) becomes a note in its slot instead of a broken
 * page; other failures show the server's message there.
 */
export async function load<T>(slot: HTMLElement | null, path: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    if (missing.has(path)) throw missing.get(path);
    const v = await fn();
    slot?.querySelector(":scope > .load-problem")?.remove();
    return v;
  } catch (e) {
    if (slot) {
      slot.querySelector(":scope > .load-problem")?.remove();
      const note =
        e instanceof ApiError && e.missingEndpoint
          ? h("p", { class: "note load-problem", "data-testid": "missing-endpoint", "data-path": path },
              `This server has no ${path} (an older gateway): this part shows less.`)
          : h("p", { class: "note bad load-problem", role: "alert" },
              `${path}: ${e instanceof ApiError ? e.describe() : String(e)}`);
      const title = slot.querySelector(":scope > h2");
      if (title) title.after(note);
      else slot.prepend(note);
    }
    if (e instanceof ApiError && e.missingEndpoint) missing.set(path, e); // not asked again until a reload
    return null;
  }
}

const missing = new Map<string, ApiError>();

export function section(title: string, ...children: (Node | string | null)[]): HTMLElement {
  return h("section", { class: "card" }, h("h2", {}, title), ...children);
}
