// Live updates: one event stream from the gateway (GET /v1/events, server-sent events read with fetch so the
// API key goes along) when the server has it; otherwise polling, at most once a second. Pages register a refresh
// and listeners by event type; refreshes are coalesced to one a second at most.

import { ApiError, readEvents, SseEvent } from "./api";

type Listener = (data: unknown, event: SseEvent) => void;

const listeners = new Map<string, Set<Listener>>();
let refresher: (() => Promise<void>) | null = null;
let mode: "events" | "polling" | "offline" = "offline";
let abort: AbortController | null = null;
let pollTimer: number | undefined;
let lastRefresh = 0;
let pending: number | undefined;
let running = false;

const POLL_MS = 2000;
const MIN_GAP_MS = 1000;

function show(m: typeof mode, detail = ""): void {
  mode = m;
  const el = document.getElementById("live");
  if (!el) return;
  el.dataset.mode = m;
  el.textContent = m === "events" ? "live" : m === "polling" ? "polling" : "offline";
  el.title = detail || (m === "events" ? "updates stream from /v1/events" : m === "polling" ? "the page asks the server every 2 s" : "");
}

export function liveMode(): string {
  return mode;
}

/** Subscribes to an event type of /v1/events ("*" for all); returns the unsubscribe function. */
export function on(type: string, fn: Listener): () => void {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type)!.add(fn);
  return () => listeners.get(type)?.delete(fn);
}

/** The current page's refresh (null to stop). */
export function setRefresher(fn: (() => Promise<void>) | null): void {
  refresher = fn;
  lastRefresh = 0;
  if (fn) void refreshNow();
}

async function refreshNow(): Promise<void> {
  if (!refresher || running) return;
  running = true;
  lastRefresh = Date.now();
  try {
    await refresher();
  } finally {
    running = false;
  }
}

/** Asks for a refresh soon (at most once a second). */
export function refreshSoon(): void {
  if (pending !== undefined) return;
  const wait = Math.max(0, lastRefresh + MIN_GAP_MS - Date.now());
  pending = window.setTimeout(() => {
    pending = undefined;
    void refreshNow();
  }, wait);
}

function dispatch(e: SseEvent): void {
  let data: unknown = e.data;
  try {
    data = JSON.parse(e.data);
  } catch {
    /* plain text */
  }
  for (const key of [e.event, "*"]) listeners.get(key)?.forEach((fn) => fn(data, e));
  refreshSoon();
}

function startPolling(detail: string): void {
  show("polling", detail);
  window.clearInterval(pollTimer);
  pollTimer = window.setInterval(() => refreshSoon(), POLL_MS);
}

/** (Re)connects: the event stream if the server has one, else polling. Called at start and when the key changes. */
export function connect(): void {
  abort?.abort();
  window.clearInterval(pollTimer);
  const ctl = new AbortController();
  abort = ctl;
  // until the stream answers (and if it never does), refresh on the polling beat
  startPolling("connecting to /v1/events");
  readEvents("/v1/events", { signal: ctl.signal }, dispatch, () => {
    // the stream is open: events drive the refreshes, with a slow beat as a safety net
    show("events");
    window.clearInterval(pollTimer);
    pollTimer = window.setInterval(() => refreshSoon(), 10000);
  })
    .then(() => {
      if (ctl.signal.aborted) return;
      // the stream ended (a server restart): poll meanwhile, and reconnect after a pause
      startPolling("the event stream ended; reconnecting");
      window.setTimeout(() => abort === ctl && connect(), 5000);
    })
    .catch((err) => {
      if (ctl.signal.aborted) return;
      if (err instanceof ApiError && err.missingEndpoint) {
        startPolling("this server has no /v1/events: polling");
      } else {
        startPolling(`event stream: ${err instanceof ApiError ? err.describe() : String(err)}`);
        window.setTimeout(() => abort === ctl && connect(), 10000);
      }
    });
}
