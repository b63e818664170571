// deno-lint-ignore-file no-explicit-any -- helpers hand back whatever JSON a server sent, for tests to assert on.
// A local push service for tests: a browser-side key pair and auth secret (what a browser's
// PushSubscription holds), and an HTTP endpoint that checks each request the way a push service
// does (VAPID JWT signed by the key in `k=`, audience, expiry) and decrypts the aes128gcm body
// (RFC 8291) with the browser-side private key, so tests read exactly what the server sent.
import { base64url, fromBase64url } from "../../lib/protocol/token.ts";
import { waitFor } from "./party.ts";

export interface ReceivedPush {
  path: string;
  ttl: string | null;
  urgency: string | null;
  /** The JWT claims after the signature checked out. */
  vapid: { aud: string; exp: number; sub: string };
  /** The VAPID public key the server signed with (`k=`). */
  serverKey: string;
  payload: any;
}

const enc = new TextEncoder();

async function hkdf(
  salt: Uint8Array<ArrayBuffer>,
  ikm: Uint8Array<ArrayBuffer>,
  info: Uint8Array<ArrayBuffer>,
  bytes: number,
) {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bytes * 8));
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) out.set(p, (i += p.length) - p.length);
  return out;
};

export class PushService {
  readonly received: ReceivedPush[] = [];
  readonly refused: { path: string; reason: string }[] = [];
  /** Paths answered 410 Gone, as a push service does for an expired subscription. */
  readonly gone = new Set<string>();
  readonly #server: Deno.HttpServer;

  private constructor(
    private readonly keys: CryptoKeyPair,
    private readonly publicRaw: Uint8Array<ArrayBuffer>,
    readonly auth: Uint8Array<ArrayBuffer>,
  ) {
    this.#server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => this.#handle(req));
  }

  static async start(): Promise<PushService> {
    const keys = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
      "deriveBits",
    ]) as CryptoKeyPair;
    const raw = new Uint8Array(await crypto.subtle.exportKey("raw", keys.publicKey));
    return new PushService(keys, raw, crypto.getRandomValues(new Uint8Array(16)));
  }

  get origin() {
    return `http://127.0.0.1:${(this.#server.addr as Deno.NetAddr).port}`;
  }

  /** A subscription as `PushSubscription.toJSON()` gives it, for an endpoint under this service. */
  subscription(path = `/push/${crypto.randomUUID()}`) {
    return {
      endpoint: `${this.origin}${path}`,
      expirationTime: null,
      keys: { p256dh: base64url(this.publicRaw), auth: base64url(this.auth) },
    };
  }

  async #handle(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    const refuse = (status: number, reason: string) => {
      this.refused.push({ path, reason });
      return new Response(reason, { status });
    };
    if (this.gone.has(path)) return refuse(410, "gone");
    try {
      const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(req.headers.get("authorization") ?? "");
      if (!m) return refuse(401, "no vapid authorization");
      const [h, p, sig] = m[1].split(".");
      const serverKey = await crypto.subtle.importKey(
        "raw",
        fromBase64url(m[2]),
        { name: "ECDSA", namedCurve: "P-256" },
        false,
        ["verify"],
      );
      if (
        !(await crypto.subtle.verify(
          { name: "ECDSA", hash: "SHA-256" },
          serverKey,
          fromBase64url(sig),
          enc.encode(`${h}.${p}`),
        ))
      ) {
        return refuse(403, "bad vapid signature");
      }
      const claims = JSON.parse(new TextDecoder().decode(fromBase64url(p)));
      if (claims.aud !== this.origin) return refuse(403, `vapid aud ${claims.aud} is not this service`);
      if (claims.exp * 1000 < Date.now()) return refuse(403, "vapid token expired");
      if (req.headers.get("content-encoding") !== "aes128gcm") return refuse(415, "not aes128gcm");
      const body = new Uint8Array(await req.arrayBuffer());
      const payload = JSON.parse(new TextDecoder().decode(await this.#decrypt(body)));
      this.received.push({
        path,
        ttl: req.headers.get("ttl"),
        urgency: req.headers.get("urgency"),
        vapid: claims,
        serverKey: m[2],
        payload,
      });
      return new Response(null, { status: 201 });
    } catch (err) {
      return refuse(400, `cannot read: ${err}`);
    }
  }

  /** RFC 8291 + RFC 8188, one record. */
  async #decrypt(body: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
    const salt = body.slice(0, 16);
    const idlen = body[20];
    const senderRaw = body.slice(21, 21 + idlen);
    const ciphertext = body.slice(21 + idlen);
    const sender = await crypto.subtle.importKey("raw", senderRaw, { name: "ECDH", namedCurve: "P-256" }, false, []);
    const shared = new Uint8Array(
      await crypto.subtle.deriveBits({ name: "ECDH", public: sender }, this.keys.privateKey, 256),
    );
    const ikm = await hkdf(this.auth, shared, concat(enc.encode("WebPush: info\0"), this.publicRaw, senderRaw), 32);
    const cek = await hkdf(salt, ikm, enc.encode("Content-Encoding: aes128gcm\0"), 16);
    const nonce = await hkdf(salt, ikm, enc.encode("Content-Encoding: nonce\0"), 12);
    const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["decrypt"]);
    const padded = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: nonce }, key, ciphertext));
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    if (padded[end] !== 2) throw new Error("last record delimiter missing");
    return padded.slice(0, end);
  }

  waitFor(match: (p: ReceivedPush) => boolean = () => true, timeoutMs = 5_000): Promise<ReceivedPush> {
    return waitFor("a push", () => this.received.find(match), timeoutMs);
  }

  async close() {
    await this.#server.shutdown();
  }
}
