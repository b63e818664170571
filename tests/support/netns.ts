// Hosts for a multi-host test: Linux network namespaces (`ip netns`), one per host, joined by two
// bridges in a namespace of their own: a public network (the client, the proxy, the SFUs' media)
// and a private one (the proxy, the web, the party server, the SFUs' listeners). Addresses only in
// 198.18.0.0/15 (RFC 2544, set aside for tests). Nothing is changed in the machine's own network
// namespace. Every process started on a host runs under `setpriv --pdeathsig KILL`, so it dies with
// the test however the test ends; close() kills what is left in each namespace and deletes them,
// and open() first deletes namespaces left by a test process that no longer exists.

const PREFIX = "spzmh";
const decoder = new TextDecoder();

/** `ip` with a deadline: a hung command fails the test instead of hanging it. */
async function ip(args: string[]): Promise<string> {
  const out = await new Deno.Command("ip", {
    args,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(10_000),
  })
    .output();
  if (!out.success) throw new Error(`ip ${args.join(" ")}: ${decoder.decode(out.stderr).trim()}`);
  return decoder.decode(out.stdout);
}

/** Why namespaces cannot be made here (not root, no `ip`, no permission), or undefined when they can. */
export async function cannotMakeNamespaces(): Promise<string | undefined> {
  const name = `${PREFIX}probe${Deno.pid}`;
  try {
    await ip(["netns", "add", name]);
  } catch (err) {
    return `\`ip netns add\` failed (${(err as Error).message}); the test needs root on Linux`;
  }
  await ip(["netns", "del", name]).catch(() => {});
  return undefined;
}

export type Net = "pub" | "priv";

/** The address of host number `n` on a network. */
export const address = (net: Net, n: number) => `198.18.${net === "pub" ? 19 : 20}.${n}`;

export interface Host {
  /** The namespace's name. */
  ns: string;
  /** Its address on each network it is on. */
  addr: Partial<Record<Net, string>>;
}

export class Hosts {
  readonly #run = `${PREFIX}${Deno.pid}`;
  readonly #lan = `${this.#run}-lan`;
  readonly hosts = new Map<string, Host>();
  readonly #children: Deno.ChildProcess[] = [];

  /** Makes the two networks, after deleting namespaces of earlier runs whose process is gone. */
  static async open(): Promise<Hosts> {
    const stale = (await ip(["netns", "list"])).split("\n").map((l) => l.split(" ")[0])
      .filter((n) => n.startsWith(PREFIX));
    for (const ns of stale) {
      const pid = Number(ns.slice(PREFIX.length).split("-")[0]);
      if (pid === Deno.pid || (Number.isInteger(pid) && alive(pid))) continue;
      await removeNamespace(ns);
    }
    const hosts = new Hosts();
    try {
      await ip(["netns", "add", hosts.#lan]);
      await ip(["-n", hosts.#lan, "link", "set", "lo", "up"]);
      for (const net of ["pub", "priv"] as const) {
        await ip(["-n", hosts.#lan, "link", "add", `br${net}`, "type", "bridge"]);
        await ip(["-n", hosts.#lan, "link", "set", `br${net}`, "up"]);
      }
    } catch (err) {
      await hosts.close();
      throw err;
    }
    return hosts;
  }

  /** A host `name`, number `n` on each network it is put on (its address's last byte). */
  async add(name: string, n: number, nets: Net[]): Promise<Host> {
    const ns = `${this.#run}-${name}`;
    await ip(["netns", "add", ns]);
    const host: Host = { ns, addr: {} };
    this.hosts.set(name, host);
    await ip(["-n", ns, "link", "set", "lo", "up"]);
    for (const net of nets) {
      // Interface names are per namespace: `<net>` on the host, `<name><net>` on the bridge's side.
      const side = `${name.slice(0, 8)}${net}`;
      await ip(["-n", this.#lan, "link", "add", side, "type", "veth", "peer", "name", net, "netns", ns]);
      await ip(["-n", this.#lan, "link", "set", side, "master", `br${net}`, "up"]);
      host.addr[net] = address(net, n);
      await ip(["-n", ns, "addr", "add", `${host.addr[net]}/24`, "dev", net]);
      await ip(["-n", ns, "link", "set", net, "up"]);
    }
    return host;
  }

  /** The argv that runs `cmd` on a host, dying with this process. */
  wrap(host: string, cmd: string[]): string[] {
    const h = this.hosts.get(host);
    if (!h) throw new Error(`no host ${host}`);
    return ["ip", "netns", "exec", h.ns, "setpriv", "--pdeathsig", "KILL", "--", ...cmd];
  }

  /** Starts `cmd` on a host; its output goes to `log` line by line. close() stops it. */
  spawn(
    host: string,
    cmd: string[],
    opts: { cwd?: string; env: Record<string, string>; log: (line: string) => void },
  ): Deno.ChildProcess {
    const [bin, ...args] = this.wrap(host, cmd);
    const child = new Deno.Command(bin, {
      args,
      cwd: opts.cwd,
      env: opts.env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#children.push(child);
    for (const stream of [child.stdout, child.stderr]) {
      let rest = "";
      stream.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({
          write(text) {
            const lines = (rest + text).split("\n");
            rest = lines.pop() ?? "";
            for (const l of lines) opts.log(l);
          },
          close() {
            if (rest) opts.log(rest);
          },
        }),
      ).catch(() => {});
    }
    return child;
  }

  /** Runs `cmd` on a host to its end, bounded: its exit code and output. */
  async exec(host: string, cmd: string[], timeoutMs = 10_000): Promise<{ code: number; out: string }> {
    const [bin, ...args] = this.wrap(host, cmd);
    const out = await new Deno.Command(bin, {
      args,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutMs),
    }).output();
    return { code: out.code, out: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
  }

  /** Kills every process on every host and deletes the namespaces (also after a failure). */
  async close(): Promise<void> {
    for (const child of this.#children) {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
    }
    await Promise.race([
      Promise.allSettled(this.#children.map((c) => c.status)),
      new Promise((r) => setTimeout(r, 5_000)),
    ]);
    for (const h of this.hosts.values()) await removeNamespace(h.ns);
    await removeNamespace(this.#lan);
  }
}

function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** Kills what still runs in a namespace (a process left behind keeps it), then deletes it. */
async function removeNamespace(ns: string): Promise<void> {
  const pids = await ip(["netns", "pids", ns]).catch(() => "");
  for (const pid of pids.split(/\s+/).filter(Boolean).map(Number)) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* gone */ }
  }
  for (let i = 0; i < 50; i++) {
    if (!(await ip(["netns", "pids", ns]).catch(() => "")).trim()) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await ip(["netns", "del", ns]).catch(() => {});
}
