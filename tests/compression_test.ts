// Light pages as a client sees them: pages, JSON, island bundles and the stylesheet come back
// brotli- or gzip-encoded when asked, decode to the very bytes sent to a client that asked for
// nothing, and say Vary: Accept-Encoding. Bundles are the files the build compressed, not
// compressed again. Pages say how they may be cached. Requests go through node:http, which
// neither adds Accept-Encoding nor decodes.
import assert from "node:assert/strict";
import http from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { compression, pickEncoding } from "../lib/server/http/compression.ts";
import { account } from "./support/calls.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Uint8Array;
}

function get(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (c: Uint8Array) => chunks.push(c));
      res.on(
        "end",
        () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) (out.set(c, at), at += c.length);
  return out;
}

function decode(r: Raw): Uint8Array {
  const enc = r.headers["content-encoding"];
  if (enc === "br") return new Uint8Array(brotliDecompressSync(r.body));
  if (enc === "gzip") return new Uint8Array(gunzipSync(r.body));
  assert.equal(enc, undefined, `unexpected encoding ${enc}`);
  return r.body;
}

/** The same URL three ways: no Accept-Encoding, brotli preferred, gzip only. */
async function assertCompressed(url: string, what: string) {
  const plain = await get(url);
  assert.equal(plain.status, 200, what);
  assert.equal(
    plain.headers["content-encoding"],
    undefined,
    `${what}: identity without Accept-Encoding`,
  );
  assert.match(String(plain.headers.vary), /accept-encoding/i, `${what}: Vary`);
  for (
    const [ae, expected] of [["gzip, deflate, br, zstd", "br"], ["gzip", "gzip"], [
      "br;q=0.5, gzip;q=0.9",
      "gzip",
    ]]
  ) {
    const packed = await get(url, { "accept-encoding": ae });
    assert.equal(packed.status, 200, what);
    assert.equal(packed.headers["content-encoding"], expected, `${what} with ${ae}`);
    assert.match(String(packed.headers.vary), /accept-encoding/i, `${what}: Vary`);
    assert.ok(
      packed.body.length < plain.body.length / 2,
      `${what}: ${packed.body.length} of ${plain.body.length} bytes`,
    );
    // A page's CSP nonce is new on every answer (lib/server/http/security_headers.ts): compare
    // the rest of it byte for byte.
    const unnonce = (b: Uint8Array) => new TextDecoder().decode(b).replace(/nonce="[^"]*"/g, 'nonce=""');
    assert.equal(unnonce(decode(packed)), unnonce(plain.body), `${what} with ${ae} decodes to the same bytes`);
  }
  return plain;
}

Deno.test(
  "pages, JSON, bundles and the stylesheet are sent compressed when asked",
  opts,
  async (t) => {
    const web = await startWeb();
    try {
      await t.step("a page", async () => {
        await assertCompressed(`${web.url}/`, "home page");
      });
      await t.step("a JSON answer", async () => {
        for (let i = 0; i < 25; i++) await account(web, `zip_person_${i}`);
        const r = await assertCompressed(`${web.url}/api/people?q=zip`, "people search");
        assert.match(String(r.headers["content-type"]), /application\/json/);
        assert.ok(JSON.parse(new TextDecoder().decode(r.body)).results.length > 5);
      });
      await t.step(
        "an island bundle: the file the build compressed, cached for a year",
        async () => {
          const page = new TextDecoder().decode((await get(`${web.url}/signup`)).body);
          const scripts = [...page.matchAll(/(?:src|href)="(\/_build\/[\w.-]+\.js)"/g)].map((m) => m[1]);
          assert.ok(scripts.length > 1, "the sign-up page loads its bundle and chunks");
          const dir = `${web.deps.config.buildDir}/static`;
          for (const src of scripts) {
            const plain = await get(`${web.url}${src}`);
            if (plain.body.length < 1024) continue;
            // A chunk of a KiB or two does not halve (assertCompressed's check); it is still sent
            // as the build compressed it.
            if (plain.body.length >= 2048) await assertCompressed(`${web.url}${src}`, src);
            const br = await get(`${web.url}${src}`, { "accept-encoding": "br" });
            assert.equal(br.headers["cache-control"], "public, max-age=31536000, immutable");
            assert.match(String(br.headers["content-type"]), /javascript/);
            const file = src.replace("/_build/", "");
            assert.deepEqual(
              br.body,
              await Deno.readFile(`${dir}/${file}.br`),
              `${src} is the precompressed file`,
            );
            const gz = await get(`${web.url}${src}`, { "accept-encoding": "gzip" });
            assert.deepEqual(gz.body, await Deno.readFile(`${dir}/${file}.gz`));
          }
          const name = scripts[0].replace("/_build/", "");
          assert.equal(
            (await get(`${web.url}/_build/${name}.br`)).status,
            404,
            "the .br is not served by its own name",
          );
        },
      );
      await t.step("the stylesheet", async () => {
        const r = await assertCompressed(`${web.url}/static/styles.css`, "styles.css");
        assert.match(String(r.headers["content-type"]), /text\/css/);
      });
      await t.step("the service worker; the manifest only once it passes 1 KiB", async () => {
        await assertCompressed(`${web.url}/sw.js`, "sw.js");
        const size = (await get(`${web.url}/manifest.webmanifest`)).body.length;
        const manifest = await get(`${web.url}/manifest.webmanifest`, {
          "accept-encoding": "br, gzip",
        });
        assert.equal(
          manifest.headers["content-encoding"],
          size < 1024 ? undefined : "br",
          `${size} bytes`,
        );
      });
      await t.step("images and HEAD requests go as they are", async () => {
        const png = await get(`${web.url}/static/icons/icon-192.png`, {
          "accept-encoding": "br, gzip",
        });
        assert.equal(png.headers["content-encoding"], undefined);
        const head = await get(`${web.url}/`, { "accept-encoding": "br, gzip" }, "HEAD");
        assert.equal(head.headers["content-encoding"], undefined);
      });
    } finally {
      await web.close();
    }
  },
);

Deno.test(
  "pages: private and revalidated, back/forward-cacheable but for conversations and settings",
  opts,
  async () => {
    const web = await startWeb();
    try {
      const ada = await account(web, "cache_ada");
      const cases: [string, string | undefined, string][] = [
        ["/", undefined, "private, no-cache"],
        ["/", ada.cookie, "private, no-cache"],
        ["/signup", undefined, "private, no-cache"],
        [`/@${ada.user.handle}`, undefined, "private, no-cache"],
        ["/messages", ada.cookie, "no-store"],
        ["/settings", ada.cookie, "no-store"],
        ["/no-such-page", undefined, "no-store"],
      ];
      for (const [path, cookie, expected] of cases) {
        const r = await get(`${web.url}${path}`, cookie ? { cookie } : {});
        assert.equal(
          r.headers["cache-control"],
          expected,
          `${path}${cookie ? " signed in" : ""} (${r.status})`,
        );
      }
    } finally {
      await web.close();
    }
  },
);

Deno.test(
  "never compressed: tiny, event streams, already encoded, 204 and 304, no-transform",
  opts,
  async () => {
    const big = "<p>Spazio</p>".repeat(200);
    const app = new Hono();
    app.use("*", compression());
    app.get("/big", (c) => c.html(big));
    app.get("/tiny", (c) => c.json({ ok: true }));
    app.get(
      "/events",
      (c) => c.body(`data: ${big}\n\n`, 200, { "content-type": "text/event-stream" }),
    );
    app.get(
      "/encoded",
      (c) => c.body(big, 200, { "content-type": "text/plain", "content-encoding": "gzip" }),
    );
    app.get("/none", (c) => c.body(null, 204));
    app.get("/same", (c) => c.body(null, 304));
    app.get(
      "/raw",
      (c) => c.body(big, 200, { "content-type": "text/plain", "cache-control": "no-transform" }),
    );
    const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
    const base = `http://127.0.0.1:${server.addr.port}`;
    try {
      const ae = { "accept-encoding": "br, gzip" };
      assert.equal(
        (await get(`${base}/big`, ae)).headers["content-encoding"],
        "br",
        "the control case",
      );
      for (const path of ["/tiny", "/events", "/none", "/same", "/raw"]) {
        const r = await get(`${base}${path}`, ae);
        assert.equal(r.headers["content-encoding"], undefined, path);
      }
      const encoded = await get(`${base}/encoded`, ae);
      assert.equal(encoded.headers["content-encoding"], "gzip");
      assert.equal(
        new TextDecoder().decode(encoded.body),
        big,
        "left exactly as the handler sent it",
      );
      const tiny = await get(`${base}/tiny`, ae);
      assert.equal(new TextDecoder().decode(tiny.body), `{"ok":true}`);
    } finally {
      await server.shutdown();
    }
  },
);

Deno.test("Accept-Encoding: the highest q-value we offer wins, brotli on a tie", () => {
  const cases: [string | null, "br" | "gzip" | null][] = [
    [null, null],
    ["", null],
    ["identity", null],
    ["deflate", null],
    ["gzip", "gzip"],
    ["br", "br"],
    ["gzip, br", "br"],
    ["gzip;q=1, br;q=0.8", "gzip"],
    ["br;q=0, gzip", "gzip"],
    ["*", "br"],
    ["*;q=0.1, gzip;q=0.5", "gzip"],
    ["gzip;q=0, br;q=0", null],
    [" GZIP ; q=0.9 , BR ; q=0.9 ", "br"],
  ];
  for (const [header, expected] of cases) {
    assert.equal(pickEncoding(header), expected, String(header));
  }
});
