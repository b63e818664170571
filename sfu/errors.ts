// One error type for everything the SFU refuses: the code goes to the client as is, the status
// is what the control API answers with, and the message says what was wrong.
import type { SfuErrorCode } from "../lib/protocol/sfu.ts";

const STATUS: Record<SfuErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  room_full: 409,
  unavailable: 503,
  internal: 500,
};

export class SfuError extends Error {
  constructor(readonly code: SfuErrorCode, message: string) {
    super(message);
    this.name = "SfuError";
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export class ForbiddenError extends SfuError {
  constructor(message: string) {
    super("forbidden", message);
  }
}

export class NotFoundError extends SfuError {
  constructor(what: string, id: string) {
    super("not_found", `no ${what} ${JSON.stringify(id)} on this connection`);
  }
}

/** mediasoup throws TypeError for parameters it cannot use; those are the client's fault. */
export function toSfuError(err: unknown): SfuError {
  if (err instanceof SfuError) return err;
  if (err instanceof TypeError) return new SfuError("bad_request", err.message);
  const message = err instanceof Error ? err.message : String(err);
  return new SfuError("internal", message);
}

/** The default branch of an exhaustive switch: adding a request type without handling it fails to compile. */
export function assertUnreachable(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
