// The few styles of DMs and calls, inlined by their pages (the shared stylesheet belongs to the
// shell). Mobile first: everything fits 360 px; targets are at least 44 px.
export const CALL_STYLES = `
.threads { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 4px; }
.thread-row { display: flex; gap: 12px; align-items: center; padding: 10px; border-radius: 10px; color: var(--text); text-decoration: none; }
.thread-row:hover, .thread-row:focus-visible { background: var(--panel-2); }
.thread-row .who { flex: 1; min-width: 0; }
.thread-row .preview { color: var(--muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; display: block; }
.badge { background: var(--accent); color: #fff; border-radius: 999px; padding: 0 8px; font-weight: 700; font-size: 0.85rem; }
.thread-head { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.thread-head h1 { margin: 0; flex: 1; min-width: 10ch; font-size: 1.3rem; }
.entries { list-style: none; padding: 0; margin: 12px 0; display: flex; flex-direction: column; gap: 6px; max-height: 60vh; overflow-y: auto; }
.entry { max-width: 85%; padding: 8px 12px; border-radius: 14px; background: var(--panel-2); overflow-wrap: anywhere; white-space: pre-wrap; }
.entry.mine { align-self: flex-end; background: #4c1d95; }
.entry.call { align-self: center; background: transparent; border: 1px solid #4c3d85; color: var(--muted); }
.entry time { display: block; font-size: 0.75rem; color: var(--muted); }
.compose { display: flex; flex-direction: column; gap: 6px; }
.compose textarea { min-height: 64px; resize: vertical; }
.call-screen { text-align: center; display: flex; flex-direction: column; align-items: center; gap: 12px; }
.call-screen .status { font-size: 1.1rem; }
.call-controls { display: flex; flex-wrap: wrap; gap: 8px; justify-content: center; }
.call-controls button[aria-pressed="true"] { background: var(--danger); }
.videos { display: grid; grid-template-columns: 1fr; gap: 8px; width: 100%; }
.videos video { width: 100%; background: #000; border-radius: 12px; max-height: 50vh; }
.videos video.self { max-width: 40%; justify-self: end; }
.ringer { position: fixed; inset: auto 8px 8px 8px; z-index: 20; background: var(--panel-2); border: 2px solid var(--accent); border-radius: 16px; padding: 16px; box-shadow: 0 8px 30px #0008; }
.quality[data-level="good"] { color: var(--ok); }
.quality[data-level="poor"] { color: var(--danger); }
.history { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 6px; }
.history li { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
fieldset { border: 1px solid #4c3d85; border-radius: 10px; }
.check { display: flex; gap: 8px; align-items: center; font-weight: 400; min-height: 44px; }
.check input { width: auto; min-height: 0; }
`;
