// The gateway's HTTP API as the console uses it: the API key (kept in sessionStorage only, for this browser
// session), JSON calls that turn the gateway's {"error","code","message"} into an ApiError, and server-sent events
// read with fetch() (EventSource cannot send the Authorization header).

const KEY = "stoa.console.key";

export function apiKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }

  /** Whether the server has no such route (an older server, or one without the endpoint). */
  get missingEndpoint(): boolean {
    return this.status === 404 && (this.error === "NOT_FOUND" || this.error === "HTTP");
  }

  /** As the console shows it: the failure code, the status and the server's message. */
  describe(): string {
    return `${this.error} (${this.status}): ${this.message}`;
  }
}

export function headers(extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { ...extra };
  const k = apiKey();
  if (k) h["Authorization"] = `Bearer ${k}`;
  return h;
}

async function failure(res: Response, path: string): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  try {
    const j = JSON.parse(text);
    if (j && typeof j === "object") {
      const e = j.error;
      if (typeof e === "string") return new ApiError(res.status, e, String(j.message ?? text), path);
      if (e && typeof e === "object") return new ApiError(res.status, String(e.code ?? e.type ?? "ERROR"), String(e.message), path);
    }
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, "HTTP", text.trim() || res.statusText || `HTTP ${res.status}`, path);
}

export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: headers((init.headers as Record<string, string>) ?? {}) });
  } catch (e) {
    throw new ApiError(0, "NETWORK", `the server did not answer (${(e as Error).message})`, path);
  }
  if (!res.ok) throw await failure(res, path);
  return res;
}

export async function getJson<T = unknown>(path: string): Promise<T> {
  const res = await request(path, { headers: { Accept: "application/json" } });
  return (await res.json()) as T;
}

export async function getText(path: string): Promise<string> {
  return (await request(path)).text();
}

export async function sendJson<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(path, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Reads a text/event-stream answer and calls onEvent for each event until the stream ends or the signal aborts.
 * Resolves when the stream ends; rejects with an ApiError when the server refuses.
 */
export async function readEvents(
  path: string,
  init: RequestInit,
  onEvent: (e: SseEvent) => void,
  onOpen?: (res: Response) => void,
): Promise<void> {
  const res = await request(path, {
    ...init,
    headers: { Accept: "text/event-stream", ...((init.headers as Record<string, string>) ?? {}) },
  });
  onOpen?.(res);
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  let event = "message";
  let data: string[] = [];
  let id: string | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let nl: number;
    while ((nl = buf.search(/\r\n|\n|\r/)) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(buf[nl] === "\r" && buf[nl + 1] === "\n" ? nl + 2 : nl + 1);
      if (line === "") {
        if (data.length) onEvent({ event, data: data.join("\n"), id });
        event = "message";
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = val;
      else if (field === "data") data.push(val);
      else if (field === "id") id = val;
    }
  }
  if (data.length) onEvent({ event, data: data.join("\n"), id });
}

/** Turns any error into the text the console shows. */
export function describe(e: unknown): string {
  if (e instanceof ApiError) return e.describe();
  return e instanceof Error ? e.message : String(e);
}
