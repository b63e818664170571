// Gives the main thread back between long steps of a page coming alive (hydrating one island,
// loading the media code), so that each is a task of its own: a tap or a frame waits for one step,
// never for all of them in a row. scheduler.yield() resumes ahead of other queued tasks where the
// browser has it (Chromium); elsewhere a zero timeout.
export function yieldToMain(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  return scheduler?.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}
