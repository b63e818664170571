// Where a person goes back to after signing in or up, changing language or coming back online.

/** Only same-site paths may be a redirect target: not `//host`, not `/\host`, not a scheme. */
export function safeNext(next: string | undefined | null): string {
  return next && /^\/(?![/\\])/.test(next) ? next : "/";
}

/** `path` carrying `next` in its query (if there is a target other than home). */
export function withNext(path: string, next: string | null): string {
  return next && next !== "/" ? `${path}?next=${encodeURIComponent(next)}` : path;
}
