// The islands' one way to call the JSON API: each call names the schema of its answer
// (lib/protocol/api.ts), the answer is parsed with it, and errors come back as catalogue keys to
// show. An answer that does not fit its schema is an error (`err.generic`), never data.
import type { z } from "zod";
import type { MessageKey } from "../i18n/mod.ts";
import { ApiErrorAnswer } from "../protocol/api.ts";

export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; code: MessageKey; field?: string };

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export async function api<S extends z.ZodTypeAny>(
  method: Method,
  url: string,
  answer: S,
  body?: unknown,
): Promise<ApiResult<z.output<S>>> {
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
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const refusal = ApiErrorAnswer.safeParse(json);
    return refusal.success
      ? { ok: false, status: res.status, code: refusal.data.error.code, field: refusal.data.error.field }
      : { ok: false, status: res.status, code: "err.generic" };
  }
  const parsed = answer.safeParse(json);
  if (parsed.success) return { ok: true, data: parsed.data };
  console.warn(`${method} ${url}: the answer was not understood`, parsed.error.issues);
  return { ok: false, status: res.status, code: "err.generic" };
}
