// The islands' one way to call the JSON API: errors come back as catalogue keys to show.
import type { MessageKey } from "../i18n/mod.ts";

export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; code: MessageKey; field?: string };

export async function api<T = unknown>(method: string, url: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, status: 0, code: "err.network" };
  }
  const json = await res.json().catch(() => null);
  if (res.ok) return { ok: true, data: json as T };
  return { ok: false, status: res.status, code: json?.error?.code ?? "err.generic", field: json?.error?.field };
}
