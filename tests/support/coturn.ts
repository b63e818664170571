// A real coturn (Debian's `turnserver`) for tests, on loopback, accepting clients only over TLS
// (no plain UDP, TCP or DTLS listener): a certificate made on the spot with openssl, the TURN REST
// scheme's shared secret (`use-auth-secret`), loopback peers allowed (the SFU is on 127.0.0.1).
// Chromium checks a turns: server's certificate: `chromiumFlag` trusts exactly this one's key.
import type { Page } from "playwright-core";
import { freePort, waitFor } from "./party.ts";

export class Coturn {
  #child: Deno.ChildProcess;
  #log: string[] = [];
  private constructor(
    readonly tlsPort: number,
    readonly secret: string,
    /** base64 SHA-256 of the certificate's public key, for --ignore-certificate-errors-spki-list. */
    readonly spki: string,
    readonly dir: string,
    child: Deno.ChildProcess,
  ) {
    this.#child = child;
    for (const stream of [child.stdout, child.stderr]) {
      stream.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({ write: (t) => void this.#log.push(t) }),
      ).catch(() => {});
    }
  }

  /** The relay as SPAZIO_TURN_URLS names it: TURN over TLS. */
  get url(): string {
    return `turns:127.0.0.1:${this.tlsPort}?transport=tcp`;
  }

  /** Trusts this server's self-signed certificate (its key only) in Chromium. */
  get chromiumFlag(): string {
    return `--ignore-certificate-errors-spki-list=${this.spki}`;
  }

  get log(): string {
    return this.#log.join("");
  }

  static async start(): Promise<Coturn> {
    const dir = await Deno.makeTempDir({ prefix: "spazio-coturn-" });
    await makeTurnCert(dir, "127.0.0.1");
    const spki = await spkiOf(`${dir}/cert.pem`);
    const secret = crypto.randomUUID() + crypto.randomUUID();
    const tlsPort = freePort();
    // Relay ports from a range of their own, away from the SFU's (40000+) and the test ports.
    const relayBase = 61000 + Math.floor(Math.random() * 40) * 100;
    await Deno.writeTextFile(
      `${dir}/turnserver.conf`,
      [
        "listening-ip=127.0.0.1",
        "relay-ip=127.0.0.1",
        `tls-listening-port=${tlsPort}`,
        // Clients reach it only by TLS: no plain UDP or TCP, no DTLS.
        "no-udp",
        "no-tcp",
        "no-dtls",
        `min-port=${relayBase}`,
        `max-port=${relayBase + 99}`,
        "use-auth-secret",
        `static-auth-secret=${secret}`,
        "realm=spazio.test",
        `cert=${dir}/cert.pem`,
        `pkey=${dir}/key.pem`,
        "allow-loopback-peers",
        "fingerprint",
        "no-cli",
        `userdb=${dir}/turndb`,
        `pidfile=${dir}/turnserver.pid`,
        "log-file=stdout",
        "simple-log",
        // Each request processed, with its username: tests read which credentials allocated.
        "verbose",
        "",
      ].join("\n"),
    );
    const child = new Deno.Command("turnserver", {
      args: ["-c", `${dir}/turnserver.conf`],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const turn = new Coturn(tlsPort, secret, spki, dir, child);
    await waitFor("coturn to listen for TLS", async () => {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port: tlsPort })).close();
        return true;
      } catch {
        return undefined;
      }
    }, 10_000).catch(async (e) => {
      const log = turn.log;
      await turn.stop();
      throw new Error(`${e.message}\n${log}`);
    });
    return turn;
  }

  async stop(): Promise<void> {
    try {
      this.#child.kill("SIGTERM");
    } catch { /* gone */ }
    await this.#child.status;
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

async function openssl(args: string[], stdin?: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const child = new Deno.Command("openssl", {
    args,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin) {
    const w = child.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  const out = await child.output();
  if (!out.success) throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  return out.stdout;
}

/** base64(SHA-256(SubjectPublicKeyInfo)) of a PEM certificate: what Chromium's SPKI list takes. */
export async function spkiOf(certPath: string): Promise<string> {
  const pub = await openssl(["x509", "-in", certPath, "-pubkey", "-noout"]);
  const der = await openssl(["pkey", "-pubin", "-outform", "der"], pub);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", der));
  return btoa(String.fromCharCode(...hash));
}

/** A self-signed certificate for turn.spazio.test at `ip`: `${dir}/cert.pem` and `${dir}/key.pem`. */
export async function makeTurnCert(dir: string, ip: string): Promise<void> {
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=turn.spazio.test",
    "-addext",
    `subjectAltName=IP:${ip},DNS:turn.spazio.test`,
    "-keyout",
    `${dir}/key.pem`,
    "-out",
    `${dir}/cert.pem`,
  ]);
}

/** How a page's media goes out: the local candidate of each connected peer connection's selected pair. */
export interface Route {
  candidateType: string;
  relayProtocol?: string;
  url?: string;
}

/** The routes of every connected peer connection (the page records them: RECORD_PEER_CONNECTIONS). */
export function selectedRoutes(page: Page): Promise<Route[]> {
  return page.evaluate(async () => {
    const out: Route[] = [];
    // deno-lint-ignore no-explicit-any
    for (const pc of (window as any).__pcs as RTCPeerConnection[]) {
      if (pc.connectionState !== "connected") continue;
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type !== "transport" || !s.selectedCandidatePairId) return;
        const local = stats.get(stats.get(s.selectedCandidatePairId).localCandidateId);
        out.push({ candidateType: local.candidateType, relayProtocol: local.relayProtocol, url: local.url });
      });
    }
    return out;
  });
}
