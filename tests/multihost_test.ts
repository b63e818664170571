// Spazio as docs/deploy.md deploys it, on separate hosts: Linux network namespaces for a proxy
// (Debian's Caddy running deploy/Caddyfile, with its own internal CA standing in for Let's Encrypt),
// the web, the party server and two SFUs, each started by its systemd unit's command and settings
// (deploy/spazio-*.service, read by tests/support/systemd_unit.ts) in production mode with secrets
// from credential files, and a client host with Chromium. The client is only on the public network
// (the proxy's 443 and the SFU's media ports); the web and the party server only on the private
// one. It checks what a person and an attacker on the client's network notice: a passkey sign-up on
// https://spazio.test, a listener hearing the host with media straight to an edge SFU on another
// host (the host's audio piped from the Space's origin SFU on the first), a listener on a host that
// may reach only TCP 443 hearing the host through coturn (deploy/turnserver.conf) over TLS, a 1:1
// call between a person on the open client and one behind that wall (each hears the other), the health
// checks through the proxy, nothing published but what the guide names, no debugger or stray port
// on any host, and each process refusing the development secrets. Where namespaces cannot be made
// (not root, not Linux), the test says why and fails.
// Longer than 300 lines on purpose: one deployment, built up by the tests in order (hosts, proxy,
// browser) and checked by the ones after, whose state they share.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import {
  CHROMIUM_PATH,
  islandsReady,
  launchBrowser,
  newPerson,
  signUp,
  startSpaceAsHost,
  watchSockets,
} from "./support/browser.ts";
import { makeTurnCert, selectedRoutes, spkiOf } from "./support/coturn.ts";
import { cannotMakeNamespaces, Hosts, type Hosts as HostsType } from "./support/netns.ts";
import { waitFor } from "./support/party.ts";
import { audioGrows, RECORD_PEER_CONNECTIONS, statsOf, writeToneWav } from "./support/sfu.ts";
import { readUnit, unitCommand } from "./support/systemd_unit.ts";
import { DEV_SERVER_SECRET } from "../lib/protocol/defaults.ts";

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const DOMAIN = "spazio.test";
const SFU_DOMAIN = `sfu.${DOMAIN}`;
const SFU2_DOMAIN = `sfu2.${DOMAIN}`;
const PUBLIC_URL = `https://${DOMAIN}`;

const skip = Deno.build.os !== "linux" ? "not Linux" : await cannotMakeNamespaces();
const opts = { sanitizeOps: false, sanitizeResources: false, ignore: skip !== undefined };
// A machine that cannot make namespaces cannot run this deployment: that is a failure to see, not a
// pass (CI runs as root on Linux), so the one test below says why and fails, and the others do not run.
if (skip) {
  Deno.test("multi-host: network namespaces can be made here", () => {
    throw new Error(`network namespaces cannot be made here: ${skip}`);
  });
}

/** The hosts, by their number on the networks (the last byte of their addresses). */
const N = { proxy: 2, web: 11, party: 12, sfu: 13, sfu2: 14, turn: 20, client: 100, client443: 101 } as const;
const priv = (n: number) => `198.18.20.${n}`;
const pub = (n: number) => `198.18.19.${n}`;

let hosts: HostsType;
let dir: string;
let browser: Browser | undefined;
/** Chromium on the host that may reach only TCP 443. */
let walled: Browser | undefined;
const logs: Record<string, string[]> = {};
const log = (name: string) => (line: string) => void (logs[name] ??= []).push(line);
const tail = (name: string) => (logs[name] ?? []).slice(-30).join("\n");

/** The operator's settings files, as docs/deploy.md writes them for these addresses. */
function envFiles(): Record<string, string> {
  return {
    "web.env": [
      `SPAZIO_PUBLIC_URL=${PUBLIC_URL}`,
      `SPAZIO_HOST=${priv(N.web)}`,
      "SPAZIO_PORT=8000",
      "SPAZIO_TRUST_PROXY=1",
      `SPAZIO_PARTY_URL=http://${priv(N.party)}:1999`,
      `SPAZIO_PARTY_PUBLIC_URL=${PUBLIC_URL}`,
      `SPAZIO_SFU_URL=http://${priv(N.sfu)}:4444`,
      `SPAZIO_SFU_PUBLIC_URL=https://${SFU_DOMAIN}`,
      PEERS,
      `SPAZIO_SFU_PUBLIC_URLS=a=https://${SFU_DOMAIN},b=https://${SFU2_DOMAIN}`,
      `SPAZIO_TURN_URLS=${TURN_URL}`,
      `SPAZIO_TURN_SECRET_FILE=${dir}/etc/turn-secret`,
    ].join("\n"),
    "party.env": [
      `SPAZIO_PUBLIC_URL=${PUBLIC_URL}`,
      `SPAZIO_PARTY_HOST=${priv(N.party)}`,
      "SPAZIO_PARTY_PORT=1999",
      `SPAZIO_WEB_URL=http://${priv(N.web)}:8000`,
      `SPAZIO_SFU_URL=http://${priv(N.sfu)}:4444`,
      "SPAZIO_CLIENT_IP_HEADER=x-real-ip",
      PEERS,
    ].join("\n"),
    "sfu.env": sfuEnv(N.sfu, "a"),
    "sfu2/sfu.env": sfuEnv(N.sfu2, "b"),
  };
}

/** The relay as pages reach it: TURN over TLS on the relay host's 443. */
const TURN_URL = `turns:${pub(N.turn)}:443?transport=tcp`;

/** Every SFU's id and internal URL, the same list on the web, the party server and each SFU. */
const PEERS = `SPAZIO_SFU_PEERS=a=http://${priv(N.sfu)}:4444,b=http://${priv(N.sfu2)}:4444`;

/** One SFU host's sfu.env: its own addresses and id. */
function sfuEnv(n: number, id: string): string {
  return [
    `SPAZIO_ALLOWED_ORIGINS=${PUBLIC_URL}`,
    `SPAZIO_SFU_HOST=${priv(n)}`,
    "SPAZIO_SFU_PORT=4443",
    `SPAZIO_SFU_INTERNAL_HOST=${priv(n)}`,
    "SPAZIO_SFU_INTERNAL_PORT=4444",
    `SPAZIO_SFU_LISTEN_IP=${pub(n)}`,
    `SPAZIO_PARTY_URL=http://${priv(N.party)}:1999`,
    "SPAZIO_SFU_WORKERS=1",
    "SPAZIO_SFU_RTC_MIN_PORT=40000",
    "SPAZIO_SFU_RTC_MAX_PORT=40999",
    PEERS,
    `SPAZIO_SFU_ID=${id}`,
  ].join("\n");
}

/** The command, folder and environment of a unit on one host (`host`, default its name), with that host's own state. */
async function unitFor(name: "web" | "party" | "sfu", etc = `${dir}/etc`, host: string = name) {
  const cmd = await unitCommand(readUnit(`${ROOT}/deploy/spazio-${name}.service`), {
    paths: {
      "/opt/spazio": ROOT,
      "/etc/spazio": etc,
      "/var/lib/spazio": `${dir}/${host}/state`,
      "/var/cache/spazio": `${dir}/${host}/cache`,
      "/opt/deno/node_modules/deno/deno": Deno.execPath(),
    },
    credentialsDir: `${dir}/${host}/credentials`,
    extra: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: `${dir}/${host}`,
      // This machine's caches: Deno's compiled modules, the mediasoup worker built by the set-up.
      DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
      SPAZIO_CACHE: Deno.env.get("SPAZIO_CACHE") ?? `${Deno.env.get("HOME")}/.cache/spazio`,
      ...(Deno.env.get("MEDIASOUP_WORKER_BIN") && { MEDIASOUP_WORKER_BIN: Deno.env.get("MEDIASOUP_WORKER_BIN")! }),
    },
  });
  for (const d of ["state", "cache"]) await Deno.mkdir(`${dir}/${host}/${d}`, { recursive: true });
  return cmd;
}

/**
 * coturn on the relay host with deploy/turnserver.conf, its CHANGE-ME lines filled in as the guide
 * says (TLS only, this host's address, a certificate made here, the secret the web has), logging to
 * stdout instead of syslog.
 */
async function startTurn() {
  const turnDir = `${dir}/turn`;
  await Deno.mkdir(turnDir);
  await makeTurnCert(turnDir, pub(N.turn));
  const secret = (await Deno.readTextFile(`${dir}/etc/turn-secret`)).trim();
  let conf = await Deno.readTextFile(`${ROOT}/deploy/turnserver.conf`);
  const edits: [string | RegExp, string][] = [
    ["# listening-ip=203.0.113.10", `listening-ip=${pub(N.turn)}\nrelay-ip=${pub(N.turn)}`],
    ["# no-udp", "no-udp"],
    ["# no-tcp", "no-tcp"],
    [/^cert=.*$/m, `cert=${turnDir}/cert.pem`],
    [/^pkey=.*$/m, `pkey=${turnDir}/key.pem`],
    ["static-auth-secret=CHANGE-ME", `static-auth-secret=${secret}`],
    ["realm=turn.example.com", "realm=turn.spazio.test"],
    [/^syslog$/m, `log-file=stdout\nsimple-log\npidfile=${turnDir}/turnserver.pid\nuserdb=${turnDir}/turndb`],
  ];
  for (const [from, to] of edits) {
    assert.ok(typeof from === "string" ? conf.includes(from) : from.test(conf), `deploy/turnserver.conf: no ${from}`);
    conf = conf.replace(from, to);
  }
  await Deno.writeTextFile(`${turnDir}/turnserver.conf`, conf);
  hosts.spawn("turn", ["turnserver", "-c", `${turnDir}/turnserver.conf`], {
    env: { PATH: "/usr/bin:/bin", HOME: turnDir },
    log: log("turn"),
  });
}

/** curl on a host (the client's view, or the proxy's), resolving the public names to the proxy. */
async function curl(host: string, url: string, extra: string[] = []): Promise<{ status: number; body: string }> {
  const { code, out } = await hosts.exec(host, [
    "curl",
    "-s",
    "--max-time",
    "5",
    "--cacert",
    `${dir}/caddy-root.crt`,
    "--resolve",
    `${DOMAIN}:443:${pub(N.proxy)}`,
    "--resolve",
    `${SFU_DOMAIN}:443:${pub(N.proxy)}`,
    "--resolve",
    `${SFU2_DOMAIN}:443:${pub(N.proxy)}`,
    "-w",
    "\n%{http_code}",
    ...extra,
    url,
  ]);
  if (code !== 0) return { status: 0, body: `curl exit ${code}: ${out}` };
  const i = out.lastIndexOf("\n");
  return { status: Number(out.slice(i + 1)), body: out.slice(0, i) };
}

/** The TCP ports a host listens on (ss, inside its namespace). */
async function listening(host: string): Promise<string[]> {
  const { out } = await hosts.exec(host, ["ss", "-Hltn"]);
  return [...new Set(out.split("\n").filter(Boolean).map((l) => l.trim().split(/\s+/)[3]))].sort();
}

Deno.test(
  "hosts: namespaces, secrets from files, the party server, two SFUs and the web by their units",
  opts,
  async () => {
    dir = await Deno.makeTempDir({ prefix: "spazio-multihost-" });
    hosts = await Hosts.open();
    await hosts.add("proxy", N.proxy, ["pub", "priv"]);
    await hosts.add("web", N.web, ["priv"]);
    await hosts.add("party", N.party, ["priv"]);
    await hosts.add("sfu", N.sfu, ["pub", "priv"]);
    await hosts.add("sfu2", N.sfu2, ["pub", "priv"]);
    await hosts.add("client", N.client, ["pub"]);
    await hosts.add("turn", N.turn, ["pub"]);
    // A client whose network lets through only TCP 443: it has routes to the proxy and the relay
    // alone (the proxy listens on 443 and 80, the relay only TLS on 443), none to the SFUs' media.
    await hosts.add("client443", N.client443, ["pub"]);
    for (
      const cmd of [
        ["ip", "route", "del", "198.18.19.0/24"],
        ["ip", "route", "add", `${pub(N.proxy)}/32`, "dev", "pub"],
        ["ip", "route", "add", `${pub(N.turn)}/32`, "dev", "pub"],
      ]
    ) {
      const { code, out } = await hosts.exec("client443", cmd);
      assert.equal(code, 0, `${cmd.join(" ")}: ${out}`);
    }

    // The secrets, made as the guide says, in files only root reads.
    await Deno.mkdir(`${dir}/etc/sfu2`, { mode: 0o750, recursive: true });
    for (const name of ["room-secret", "server-secret", "turn-secret"]) {
      const out = await new Deno.Command("openssl", { args: ["rand", "-base64", "32"], stdout: "piped" }).output();
      await Deno.writeFile(`${dir}/etc/${name}`, out.stdout, { mode: 0o600 });
    }
    for (const [name, text] of Object.entries(envFiles())) await Deno.writeTextFile(`${dir}/etc/${name}`, text + "\n");
    await startTurn();

    for (const name of ["party", "sfu", "web"] as const) {
      const { argv, cwd, env } = await unitFor(name);
      hosts.spawn(name, argv, { cwd, env, log: log(name) });
    }
    // The second SFU host: the same unit, its own sfu.env, the same secrets.
    for (const name of ["room-secret", "server-secret"]) {
      await Deno.copyFile(`${dir}/etc/${name}`, `${dir}/etc/sfu2/${name}`);
    }
    const sfu2 = await unitFor("sfu", `${dir}/etc/sfu2`, "sfu2");
    hosts.spawn("sfu2", sfu2.argv, { cwd: sfu2.cwd, env: sfu2.env, log: log("sfu2") });
    const ready: [string, RegExp][] = [
      ["party", /party: listening on http:\/\/198\.18\.20\.12:1999/],
      ["sfu", /sfu listening on http:\/\/198\.18\.20\.13:4443.*production mode/],
      ["sfu2", /sfu listening on http:\/\/198\.18\.20\.14:4443.*production mode/],
      ["web", /listening on http:\/\/198\.18\.20\.11:8000.*production mode/],
    ];
    for (const [name, line] of ready) {
      await waitFor(`${name} to say where it listens`, () => logs[name]?.some((l) => line.test(l)) || undefined, 60_000)
        .catch((e) => {
          throw new Error(`${e.message}\n${tail(name)}`);
        });
    }
  },
);

Deno.test("the proxy: Caddy runs deploy/Caddyfile with its internal CA, and the client trusts it", opts, async () => {
  // The only differences from production: the internal CA instead of Let's Encrypt (no network),
  // its root not installed in the machine's store, and no admin endpoint. The second SFU gets a
  // copy of the file's last block with a name of its own, as its comment says.
  const caddyfile = await Deno.readTextFile(`${ROOT}/deploy/Caddyfile`);
  const sfuBlock = caddyfile.slice(caddyfile.indexOf("{$SPAZIO_SFU_DOMAIN"));
  await Deno.writeTextFile(
    `${dir}/Caddyfile`,
    `{\n\tlocal_certs\n\tskip_install_trust\n\tadmin off\n}\nimport ${ROOT}/deploy/Caddyfile\n` +
      sfuBlock.replaceAll("SPAZIO_SFU_DOMAIN", "SPAZIO_SFU2_DOMAIN").replaceAll(
        "SPAZIO_SFU_UPSTREAM",
        "SPAZIO_SFU2_UPSTREAM",
      ),
  );
  hosts.spawn("proxy", ["caddy", "run", "--adapter", "caddyfile", "--config", `${dir}/Caddyfile`], {
    env: {
      PATH: "/usr/bin:/bin",
      HOME: `${dir}/caddy`,
      XDG_DATA_HOME: `${dir}/caddy/data`,
      XDG_CONFIG_HOME: `${dir}/caddy/config`,
      SPAZIO_DOMAIN: DOMAIN,
      SPAZIO_SFU_DOMAIN: SFU_DOMAIN,
      SPAZIO_WEB_UPSTREAM: `${priv(N.web)}:8000`,
      SPAZIO_PARTY_UPSTREAM: `${priv(N.party)}:1999`,
      SPAZIO_SFU_UPSTREAM: `${priv(N.sfu)}:4443`,
      SPAZIO_SFU2_DOMAIN: SFU2_DOMAIN,
      SPAZIO_SFU2_UPSTREAM: `${priv(N.sfu2)}:4443`,
    },
    log: log("proxy"),
  });
  const root = `${dir}/caddy/data/caddy/pki/authorities/local/root.crt`;
  // Caddy writes its CA's files while it starts: wait until the root and the intermediate are whole
  // certificates (a file that exists may still be empty).
  const whole = async (path: string) =>
    (await Deno.readTextFile(path).catch(() => "")).includes("-----END CERTIFICATE-----");
  await waitFor("Caddy's internal CA", async () => {
    return (await whole(root) && await whole(root.replace(/root\.crt$/, "intermediate.crt"))) || undefined;
  }, 30_000).catch((e) => {
    throw new Error(`${e.message}\n${tail("proxy")}`);
  });
  await Deno.copyFile(root, `${dir}/caddy-root.crt`);
  await waitFor("the web's /healthz through the proxy", async () => {
    const r = await curl("client", `${PUBLIC_URL}/healthz`);
    return r.status === 200 ? r : undefined;
  }, 30_000).catch((e) => {
    throw new Error(`${e.message}\n${tail("proxy")}`);
  });
});

Deno.test(
  "health checks: the web and the SFU through the proxy, the party server on the private network",
  opts,
  async () => {
    const web = await curl("client", `${PUBLIC_URL}/healthz`);
    assert.deepEqual([web.status, JSON.parse(web.body)], [200, { ok: true, kv: "reachable" }]);
    for (const name of [SFU_DOMAIN, SFU2_DOMAIN]) {
      const sfu = await curl("client", `https://${name}/healthz`);
      assert.equal(sfu.status, 200, `${name}: ${sfu.body}`);
      assert.equal(JSON.parse(sfu.body).ok, true, sfu.body);
    }
    const party = await curl("proxy", `http://${priv(N.party)}:1999/healthz`);
    assert.deepEqual([party.status, JSON.parse(party.body)], [200, { ok: true }]);
  },
);

Deno.test("nothing else is reachable from the client: internal paths, private hosts, debuggers", opts, async () => {
  // Through the proxy: the web's server-to-server paths and the SFU's control and internal API.
  for (
    const url of [
      `${PUBLIC_URL}/api/internal/reports`,
      `https://${SFU_DOMAIN}/control/grant`,
      `https://${SFU_DOMAIN}/control/health`,
      `https://${SFU_DOMAIN}/internal/pipe`,
      `https://${SFU2_DOMAIN}/control/grant`,
      `https://${SFU2_DOMAIN}/internal/pipe`,
    ]
  ) {
    const r = await curl("client", url, ["-X", "POST", "-d", "{}"]);
    assert.equal(r.status, 404, `${url} answered ${r.status}: ${r.body}`);
  }
  // The private network is not the client's: the web, the party server and the SFU's listeners.
  for (
    const target of [`${priv(N.web)}:8000`, `${priv(N.party)}:1999`, `${priv(N.sfu)}:4444`, `${priv(N.sfu2)}:4444`]
  ) {
    const r = await curl("client", `http://${target}/healthz`, ["--connect-timeout", "2"]);
    assert.equal(r.status, 0, `the client reached ${target}: ${r.body}`);
  }
  // Each host listens where the guide says and nowhere else: no inspector (9229), no second port.
  assert.deepEqual(await listening("web"), [`${priv(N.web)}:8000`]);
  assert.deepEqual(await listening("party"), [`${priv(N.party)}:1999`]);
  for (const [name, n] of [["sfu", N.sfu], ["sfu2", N.sfu2]] as const) {
    const sfu = await listening(name);
    assert.deepEqual(sfu.filter((a) => !a.startsWith(`${pub(n)}:40`)), [`${priv(n)}:4443`, `${priv(n)}:4444`]);
  }
  assert.deepEqual(await listening("proxy"), ["*:443", "*:80"]);
  assert.deepEqual(await listening("client"), []);
});

/**
 * A Chromium on one of the client hosts, its fake microphone playing ${dir}/tone.wav, the names
 * resolved to the proxy, trusting the proxy's CA (its intermediate's key, in the chain Caddy
 * serves, and its root's) and the certificates in `trust`.
 */
async function clientBrowser(host: "client" | "client443", trust: string[] = []): Promise<Browser> {
  const wrapper = `${dir}/chromium-on-${host}`;
  await Deno.writeTextFile(wrapper, `#!/bin/sh\nexec ${hosts.wrap(host, [CHROMIUM_PATH]).join(" ")} "$@"\n`, {
    mode: 0o755,
  });
  const certs = [
    `${dir}/caddy-root.crt`,
    `${dir}/caddy/data/caddy/pki/authorities/local/intermediate.crt`,
    ...trust,
  ];
  const spki = await Promise.all(certs.map(spkiOf));
  const proxy = pub(N.proxy);
  return await launchBrowser([
    `--use-file-for-fake-audio-capture=${dir}/tone.wav`,
    "--autoplay-policy=no-user-gesture-required",
    `--host-resolver-rules=MAP ${DOMAIN} ${proxy}, MAP ${SFU_DOMAIN} ${proxy}, MAP ${SFU2_DOMAIN} ${proxy}`,
    `--ignore-certificate-errors-spki-list=${spki.join(",")}`,
  ], wrapper);
}

Deno.test(
  "a passkey sign-up on https://spazio.test, and a listener hearing the host through an edge SFU on another host",
  opts,
  async () => {
    const wav = `${dir}/tone.wav`;
    await writeToneWav(wav, 120);
    browser = await clientBrowser("client");

    const host = await newPerson(browser);
    await host.context.addInitScript(RECORD_PEER_CONNECTIONS);
    const hostSockets = watchSockets(host.page);
    await signUp(host.page, PUBLIC_URL, "deployed_host", "Deployed Host");
    // The session cookie is Secure (production, https).
    const cookies = await host.context.cookies(PUBLIC_URL);
    assert.ok(cookies.length > 0 && cookies.every((c) => c.secure), JSON.stringify(cookies));
    const link = await startSpaceAsHost(host.page, PUBLIC_URL, "On separate hosts");

    const listener = await newPerson(browser, { width: 360 });
    await listener.context.addInitScript(RECORD_PEER_CONNECTIONS);
    const l = listener.page;
    const listenerSockets = watchSockets(l);
    await l.goto(link);
    await islandsReady(l);
    await audioGrows(l, "the host's audio at the listener", 30_000);
    // The host is on the Space's origin SFU, the listener on the other (the least loaded: an edge
    // fed through the pipe between the two hosts).
    const sfuOf = (
      sockets: ReturnType<typeof watchSockets>,
    ) => [...new Set(sockets.openTo("/ws?").map((s) => new URL(s.url).hostname))];
    const [origin] = sfuOf(hostSockets);
    assert.deepEqual(sfuOf(hostSockets), [origin], "the host's SFU sockets");
    const edge = origin === SFU_DOMAIN ? SFU2_DOMAIN : SFU_DOMAIN;
    assert.deepEqual(sfuOf(listenerSockets), [edge], `the listener's SFU sockets (the host's on ${origin})`);
    const mediaOf = (name: string) => pub(name === SFU_DOMAIN ? N.sfu : N.sfu2);
    // An anonymous listener's identity cookie is Secure too.
    const anon = await listener.context.cookies(PUBLIC_URL);
    assert.ok(anon.length > 0 && anon.every((c) => c.secure), JSON.stringify(anon));
    // Media goes straight between the client and the SFU's public address, not through the proxy.
    assert.deepEqual(await remoteAddresses(l), [mediaOf(edge)], "the listener's media");
    assert.deepEqual(await remoteAddresses(host.page), [mediaOf(origin)], "the host's media");
    await audioGrows(l, "more of the host's audio", 10_000);
    // The tone, not silence, came through the pipe.
    await waitFor("the audio level at the listener to rise above silence", async () => {
      return (await statsOf(l)).maxAudioLevel > 0.01 || undefined;
    }, 5_000);
    await listener.context.close();
    await host.context.close();
  },
);

Deno.test("a client that may reach only TCP 443 hears the host through TURN over TLS", opts, async () => {
  // Its own Chromium, on its own host, trusting the proxy's CA and the relay's certificate.
  walled = await clientBrowser("client443", [`${dir}/turn/cert.pem`]);
  {
    // The SFUs' media ports are out of its reach.
    const direct = await hosts.exec("client443", [
      "curl",
      "-s",
      "--connect-timeout",
      "2",
      `http://${pub(N.sfu)}:40000`,
    ]);
    assert.notEqual(direct.code, 0, "the walled client reached an SFU's media address");

    const host = await newPerson(browser!);
    await host.context.addInitScript(RECORD_PEER_CONNECTIONS);
    await signUp(host.page, PUBLIC_URL, "relay_host", "Relay Host");
    const link = await startSpaceAsHost(host.page, PUBLIC_URL, "Through the relay");

    const listener = await newPerson(walled, { width: 360 });
    await listener.context.addInitScript(RECORD_PEER_CONNECTIONS);
    const l = listener.page;
    await l.goto(link);
    await islandsReady(l);
    await audioGrows(l, "the host's audio at the walled listener", 30_000);
    await waitFor("the audio level at the walled listener to rise above silence", async () => {
      return (await statsOf(l)).maxAudioLevel > 0.01 || undefined;
    }, 5_000);
    const rs = await selectedRoutes(l);
    assert.ok(rs.length > 0, "the walled listener has no connected peer connection");
    for (const r of rs) {
      assert.equal(r.candidateType, "relay", `media not through the relay: ${JSON.stringify(r)}`);
      assert.equal(r.relayProtocol, "tls", `the relay not reached over TLS: ${JSON.stringify(r)}`);
      assert.equal(r.url, TURN_URL, `another relay: ${JSON.stringify(r)}`);
    }
    await listener.context.close();
    await host.context.close();
  }
});

Deno.test(
  "a 1:1 call between a person on the open client and one behind the 443-only wall: each hears the other",
  opts,
  async () => {
    const ann = await newPerson(browser!);
    const bob = await newPerson(walled!, { width: 360 });
    for (const p of [ann, bob]) await p.context.addInitScript(RECORD_PEER_CONNECTIONS);
    await signUp(ann.page, PUBLIC_URL, "call_ann", "Ann Caller");
    await signUp(bob.page, PUBLIC_URL, "call_bob", "Bob Callee");
    // Bob takes calls from Ann: she is his contact, and he wrote to her (as the site's pages do).
    const statuses = await bob.page.evaluate(async () => {
      const json = { "content-type": "application/json" };
      const contact = await fetch("/api/contacts/call_ann", { method: "PUT", headers: json });
      const dm = await fetch("/api/messages/call_ann", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ text: "hi" }),
      });
      return [contact.status, dm.status];
    });
    assert.deepEqual(statuses, [200, 201], "Bob adding Ann and writing to her");
    await bob.page.goto(`${PUBLIC_URL}/messages`);
    await islandsReady(bob.page);
    await ann.page.goto(`${PUBLIC_URL}/messages/call_bob`);
    await islandsReady(ann.page);
    await ann.page.getByRole("button", { name: "Audio call" }).click();
    await bob.page.getByRole("dialog", { name: /is calling you/ }).getByRole("button", { name: "Accept" }).click();
    for (const p of [ann.page, bob.page]) {
      await p.getByRole("status").getByText("Connected").waitFor({
        timeout: 20_000,
      });
    }
    for (const [who, p] of [["Ann", ann.page], ["Bob", bob.page]] as const) {
      await audioGrows(p, `${who} hearing the other side`, 20_000);
      await waitFor(`${who}'s audio level to rise above silence`, async () => {
        return (await statsOf(p)).maxAudioLevel > 0.01 || undefined;
      }, 5_000);
    }
    // Bob's media goes through the relay (he can reach nothing else), Ann's straight to an SFU.
    for (const r of await selectedRoutes(bob.page)) assert.equal(r.candidateType, "relay", JSON.stringify(r));
    const annMedia = await remoteAddresses(ann.page);
    assert.ok(
      annMedia.length > 0 && annMedia.every((a) => a === pub(N.sfu) || a === pub(N.sfu2)),
      `Ann's media: ${annMedia}`,
    );
    await ann.context.close();
    await bob.context.close();
  },
);

/** The remote address of each connected peer connection's selected candidate pair. */
function remoteAddresses(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const out = new Set<string>();
    // deno-lint-ignore no-explicit-any
    for (const pc of (window as any).__pcs as RTCPeerConnection[]) {
      if (pc.connectionState !== "connected") continue;
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type !== "transport" || !s.selectedCandidatePairId) return;
        out.add(stats.get(stats.get(s.selectedCandidatePairId).remoteCandidateId).address);
      });
    }
    return [...out];
  });
}

Deno.test("structured logs: every line each process wrote is one JSON event with its level and process", opts, () => {
  for (const name of ["web", "party", "sfu", "sfu2"]) {
    const lines = logs[name] ?? [];
    assert.ok(lines.length > 0, `${name} logged nothing`);
    for (const line of lines) {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line);
      } catch {
        throw new Error(`${name} wrote a line that is not JSON: ${line}`);
      }
      assert.equal(event.process, name.replace(/\d$/, ""), line);
      assert.ok(["debug", "info", "warn", "error"].includes(event.level as string), line);
      assert.equal(typeof event.msg, "string", line);
      assert.ok(!Number.isNaN(Date.parse(event.time as string)), line);
    }
    // workerd's error for each browser socket that closed is not among them.
    assert.ok(!lines.some((l) => /worker_do_not_log|"msg":"stack: /.test(l)), `${name}: ${tail(name)}`);
  }
});

Deno.test("production mode: each unit refuses the development secret, naming the variable", opts, async () => {
  // The same units and settings with the server secret replaced by the one published in the code.
  const etc = `${dir}/etc-dev`;
  await Deno.mkdir(etc);
  for await (const e of Deno.readDir(`${dir}/etc`)) {
    if (e.isFile) await Deno.copyFile(`${dir}/etc/${e.name}`, `${etc}/${e.name}`);
  }
  await Deno.writeTextFile(`${etc}/server-secret`, DEV_SERVER_SECRET + "\n");
  for (const name of ["web", "party", "sfu"] as const) {
    const { argv, cwd, env } = await unitFor(name, etc);
    const [bin, ...args] = hosts.wrap(name, argv);
    const out = await new Deno.Command(bin, {
      args,
      cwd,
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).output();
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    assert.notEqual(out.code, 0, `${name} started with the development secret:\n${text}`);
    assert.match(text, /SPAZIO_SERVER_SECRET is the development secret/, `${name}: ${text}`);
    assert.doesNotMatch(text, /listening/, `${name}: ${text}`);
  }
});

Deno.test("stop Chromium, every process and the namespaces", { ...opts, ignore: false }, async () => {
  await browser?.close().catch(() => {});
  await walled?.close().catch(() => {});
  await hosts?.close();
  if (dir) await Deno.remove(dir, { recursive: true }).catch(() => {});
});
