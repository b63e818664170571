// Errors a handler throws to answer with a status; one error handler renders them as JSON or a page.
import type { MessageKey } from "../../i18n/mod.ts";

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: MessageKey, message?: string) {
    super(message ?? code);
    this.name = "HttpError";
  }
}

export const badRequest = (code: MessageKey = "err.bad_request", msg?: string) => new HttpError(400, code, msg);
export const unauthorized = () => new HttpError(401, "err.signin_required");
export const forbidden = (code: MessageKey = "err.forbidden") => new HttpError(403, code);
export const notFound = () => new HttpError(404, "err.not_found");

/** A validation error tied to one form field, so the form can show it beside that field. */
export class FieldError extends HttpError {
  constructor(readonly field: string, code: MessageKey, status = 400) {
    super(status, code);
  }
}
