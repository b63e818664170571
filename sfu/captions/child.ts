// A recogniser process: `child.ts <engine> <lang> <model> [--probe]`, forked by recogniser.ts
// with an IPC channel. It loads one model and recognises one stream at a time: `audio` messages
// (16 kHz mono s16le) until `end`; it answers `partial` (at most every 250 ms, when the text
// changed), `final` (at a pause the engine heard, and at `end`), and `ack` with the samples taken,
// by which the SFU sees it falling behind. `--probe` loads the model, decodes a little silence and
// exits: 0 when the model works, 2 with the reason on the channel.
import { engineById } from "./registry.ts";
import type { Recogniser } from "./engine.ts";
import { type ChildMessage, type ParentMessage, PARTIAL_EVERY_MS } from "./messages.ts";

const [engineId, lang, model] = process.argv.slice(2);
const probe = process.argv.includes("--probe");

function send(msg: ChildMessage): void {
  process.send?.(msg);
}

let rec: Recogniser;
try {
  const engine = engineById(engineId);
  if (!engine) throw new Error(`no caption engine named ${engineId}`);
  rec = engine.open(lang, model);
  rec.accept(new Int16Array(8000));
  rec.finish();
} catch (err) {
  send({ t: "error", message: (err as Error).message });
  process.exitCode = 2;
  process.disconnect?.();
  throw err;
}
send({ t: "ready" });
if (probe) {
  rec.close();
  process.disconnect?.();
} else {
  let lastPartial = "";
  let partialAt = 0;
  let taken = 0;
  process.on("message", (raw: ParentMessage) => {
    if (raw.t === "audio") {
      // Copied: a message's bytes may start at an odd offset of their buffer.
      // (a Node Buffer's slice() is a view, hence the explicit copy).
      const bytes = new Uint8Array(raw.pcm.byteLength & ~1);
      bytes.set(raw.pcm.subarray(0, bytes.byteLength));
      const pcm = new Int16Array(bytes.buffer, 0, bytes.byteLength / 2);
      const final = rec.accept(pcm);
      taken += pcm.length;
      if (final !== null) {
        lastPartial = "";
        send({ t: "final", text: final, pause: true });
      } else if (Date.now() - partialAt >= PARTIAL_EVERY_MS) {
        const text = rec.partial();
        if (text !== lastPartial) {
          lastPartial = text;
          partialAt = Date.now();
          send({ t: "partial", text });
        }
      }
      send({ t: "ack", samples: taken });
    } else if (raw.t === "end") {
      lastPartial = "";
      send({ t: "final", text: rec.finish(), pause: false });
    }
  });
  process.on("disconnect", () => {
    rec.close();
    process.exit(0);
  });
}
