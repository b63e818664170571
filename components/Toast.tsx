// Toasts: a short confirmation that an action worked ("Reminder set", "Link copied"), shown above
// the tab bar for a few seconds and read out by screen readers. One polite live region for the
// whole page, made once and kept: a region created with its text already in it is often not read.
// Focus never moves to a toast; errors stay beside the control they concern (role="alert").

const SHOWN_MS = 3500;

function region(): HTMLElement {
  let el = document.getElementById("toasts");
  if (!el) {
    el = document.createElement("div");
    el.id = "toasts";
    el.className = "toasts";
    el.setAttribute("role", "status");
    el.setAttribute("aria-live", "polite");
    document.body.append(el);
  }
  return el;
}

/** Shows `message` as a toast. Safe to call from any island, any number of times. */
export function toast(message: string): void {
  if (typeof document === "undefined") return;
  const host = region();
  // The next frame, so that a region just made exists empty before its text arrives.
  requestAnimationFrame(() => {
    const item = document.createElement("p");
    item.className = "toast";
    item.textContent = message;
    host.append(item);
    setTimeout(() => item.remove(), SHOWN_MS);
  });
}
