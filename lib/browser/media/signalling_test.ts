// What the signalling client makes of each frame the SFU might send, over a fake WebSocket.
import assert from "node:assert/strict";
import { SfuRequestError, SfuSignalling } from "./signalling.ts";
import type { SfuNotification } from "../../protocol/sfu.ts";

/** Just enough of a browser WebSocket: records what is sent, delivers frames on demand. */
class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static last: FakeSocket;
  static made = 0;
  readyState = 1;
  closed = false;
  sent: { type: string; id: number }[] = [];
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
    FakeSocket.made++;
    queueMicrotask(() => this.onopen?.());
  }
  send(s: string) {
    this.sent.push(JSON.parse(s));
  }
  close() {
    this.closed = true;
  }
  deliver(frame: unknown) {
    this.onmessage?.({ data: typeof frame === "string" ? frame : JSON.stringify(frame) });
  }
}

async function withSignalling(
  run: (sig: SfuSignalling, ws: FakeSocket, warnings: unknown[][]) => void | Promise<void>,
  open: () => Promise<SfuSignalling> = () => SfuSignalling.open("ws://sfu/ws", "tok"),
) {
  const realWs = globalThis.WebSocket;
  const realWarn = console.warn;
  const warnings: unknown[][] = [];
  Object.defineProperty(globalThis, "WebSocket", { value: FakeSocket, configurable: true, writable: true });
  console.warn = (...a: unknown[]) => void warnings.push(a);
  try {
    const sig = await open();
    await run(sig, FakeSocket.last, warnings);
  } finally {
    Object.defineProperty(globalThis, "WebSocket", { value: realWs, configurable: true, writable: true });
    console.warn = realWarn;
  }
}

const ice = { usernameFragment: "u", password: "p" };

const answers: [string, unknown, { data?: unknown; code?: string }][] = [
  ["a good answer resolves with its data", { type: "response", data: { iceParameters: ice } }, {
    data: { iceParameters: ice },
  }],
  ["an answer of the wrong shape rejects with bad_answer", {
    type: "response",
    data: { iceParameters: { password: 1 } },
  }, { code: "bad_answer" }],
  ["an answer without data rejects with bad_answer", { type: "response" }, { code: "bad_answer" }],
  ["a refusal rejects with its code", { type: "error", code: "forbidden", message: "no" }, { code: "forbidden" }],
];
for (const [name, frame, want] of answers) {
  Deno.test(`sfu signalling: ${name}`, () =>
    withSignalling(async (sig, ws) => {
      const asked = sig.request("restartIce", { transportId: "t1" });
      assert.deepEqual(ws.sent[0], { type: "restartIce", id: 1, transportId: "t1" });
      ws.deliver({ ...(frame as object), id: ws.sent[0].id });
      if (want.data) return assert.deepEqual(await asked, want.data);
      const err = await asked.then(() => null, (e) => e);
      assert.ok(err instanceof SfuRequestError);
      assert.equal(err.code, want.code);
    }));
}

const frames: [string, unknown, boolean][] = [
  ["a good notification is delivered", { type: "speaking", subs: ["u:abcd"], levels: [-20] }, true],
  ["a notification of the wrong shape is dropped", { type: "speaking", subs: "u:abcd" }, false],
  ["an unknown message is dropped", { type: "hello" }, false],
  ["a frame that is not JSON is dropped", "{nope", false],
];
for (const [name, frame, delivered] of frames) {
  Deno.test(`sfu signalling: ${name}`, () =>
    withSignalling((sig, ws, warnings) => {
      const got: SfuNotification[] = [];
      sig.onNotification = (n) => got.push(n);
      ws.deliver(frame);
      assert.equal(got.length, delivered ? 1 : 0);
      assert.equal(warnings.length, delivered ? 0 : 1, "a dropped frame is logged");
    }));
}

Deno.test("sfu signalling: an answer to no pending request changes nothing", () =>
  withSignalling((sig, ws) => {
    const got: SfuNotification[] = [];
    sig.onNotification = (n) => got.push(n);
    ws.deliver({ type: "response", id: 99, data: {} });
    assert.equal(got.length, 0);
  }));

Deno.test("sfu signalling: a closed socket rejects what is pending with closed", () =>
  withSignalling(async (sig, ws) => {
    const asked = sig.request("consume", { rtpCapabilities: {} });
    ws.onclose?.({ code: 1006 });
    const err = await asked.then(() => null, (e) => e);
    assert.equal(err?.code, "closed");
  }));

const caps = { codecs: [{ kind: "audio" as const, mimeType: "audio/opus", clockRate: 48000, channels: 2 }] };
const welcomeFrame = { type: "welcome", rtpCapabilities: caps };

Deno.test("sfu signalling: a socket opened with welcome asks for it in its URL and gets it apart from notifications", () =>
  withSignalling(async (sig, ws) => {
    assert.equal(ws.url, "ws://sfu/ws?token=tok&welcome=recv");
    const got: SfuNotification[] = [];
    sig.onNotification = (n) => got.push(n);
    ws.deliver(welcomeFrame);
    assert.deepEqual((await sig.welcome)?.rtpCapabilities, caps);
    assert.equal(got.length, 0);
  }, () => SfuSignalling.open("ws://sfu/ws", "tok", "recv")));

Deno.test("sfu signalling: the SFU failing to welcome (an error without id) leaves the client to ask", () =>
  withSignalling(async (sig, ws) => {
    ws.deliver({ type: "error", id: null, code: "unavailable", message: "no router" });
    assert.equal(await sig.welcome, null);
  }, () => SfuSignalling.open("ws://sfu/ws", "tok", "recv")));

Deno.test("sfu signalling: without welcome in the URL, none is awaited", () =>
  withSignalling(async (sig) => {
    assert.equal(await sig.welcome, null);
  }));

/** A socket the page's inline script opened, as it leaves it on the window. */
function plantEarly(url: string, readyState: number, buffered: string[]) {
  const ws = new FakeSocket(url);
  ws.readyState = readyState;
  (globalThis as Record<string, unknown>).__spazioEarlySfu = { url, ws, buffered };
  return ws;
}

Deno.test("sfu signalling: the page's early socket is taken, with the frames that came before the code", () =>
  withSignalling(async (sig, ws) => {
    assert.equal(FakeSocket.made, 1, "no second socket was opened");
    assert.equal((await sig.welcome)?.type, "welcome");
    assert.equal((globalThis as Record<string, unknown>).__spazioEarlySfu, undefined, "taken once");
    const asked = sig.request("consume", { rtpCapabilities: caps });
    assert.equal(ws.sent[0].type, "consume");
    ws.deliver({ type: "response", id: ws.sent[0].id, data: {} });
    await asked;
  }, () => {
    FakeSocket.made = 0;
    plantEarly("ws://sfu/ws?token=tok&welcome=recv", FakeSocket.OPEN, [JSON.stringify(welcomeFrame)]);
    return SfuSignalling.open("ws://sfu/ws", "tok", "recv");
  }));

Deno.test("sfu signalling: an early socket for other credentials is closed, not left to replace ours", () => {
  let early: FakeSocket;
  return withSignalling((_sig, ws) => {
    assert.ok(early.closed);
    assert.notEqual(ws, early);
    assert.equal(ws.url, "ws://sfu/ws?token=fresh&welcome=recv");
  }, () => {
    early = plantEarly("ws://sfu/ws?token=old&welcome=recv", FakeSocket.OPEN, []);
    return SfuSignalling.open("ws://sfu/ws", "fresh", "recv");
  });
});

Deno.test("sfu signalling: notifications that come before anyone listens are held and given in order", () =>
  withSignalling((sig, ws) => {
    ws.deliver({ type: "speaking", subs: ["u:first"], levels: [-20] });
    ws.deliver({ type: "speaking", subs: ["u:second"], levels: [-30] });
    const got: SfuNotification[] = [];
    sig.onNotification = (n) => got.push(n);
    ws.deliver({ type: "speaking", subs: ["u:third"], levels: [-40] });
    assert.deepEqual(got.map((n) => n.type === "speaking" && n.subs[0]), ["u:first", "u:second", "u:third"]);
  }));
