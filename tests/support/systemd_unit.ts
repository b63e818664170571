// Reads the checked-in systemd units (deploy/*.service) so that a test runs each process exactly as
// the unit says: its ExecStart, WorkingDirectory and Environment= lines, its secrets through
// LoadCredential= (a credentials folder standing in for systemd's `%d`), and the operator's
// EnvironmentFile. Only the unit syntax those files use: one assignment per Environment= line, no
// quoting, `%d` as the only specifier. The install paths (/opt/spazio, /var/lib/spazio, ...) map
// onto folders of the test.

export interface Unit {
  workingDirectory: string;
  /** Environment= and EnvironmentFile= in the unit's order (a later assignment wins, as in systemd). */
  environment: ({ name: string; value: string } | { file: string })[];
  /** LoadCredential=<name>:<path>. */
  credentials: { name: string; path: string }[];
  execStart: string[];
}

export function readUnit(path: string): Unit {
  const unit: Unit = { workingDirectory: "/", environment: [], credentials: [], execStart: [] };
  let section = "";
  for (const raw of Deno.readTextFileSync(path).split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("[")) {
      section = line;
      continue;
    }
    if (section !== "[Service]") continue;
    const eq = line.indexOf("=");
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === "WorkingDirectory") unit.workingDirectory = value;
    else if (key === "Environment") {
      const i = value.indexOf("=");
      unit.environment.push({ name: value.slice(0, i), value: value.slice(i + 1) });
    } else if (key === "EnvironmentFile") unit.environment.push({ file: value.replace(/^-/, "") });
    else if (key === "LoadCredential") {
      const i = value.indexOf(":");
      unit.credentials.push({ name: value.slice(0, i), path: value.slice(i + 1) });
    } else if (key === "ExecStart") unit.execStart = value.split(/\s+/);
  }
  if (unit.execStart.length === 0) throw new Error(`${path}: no ExecStart`);
  return unit;
}

/** Reads an EnvironmentFile: NAME=value lines, comments and blank lines skipped. */
export function readEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const l = line.trim();
    if (!l || l.startsWith("#")) continue;
    const i = l.indexOf("=");
    out[l.slice(0, i)] = l.slice(i + 1).replace(/^"(.*)"$/, "$1");
  }
  return out;
}

/**
 * What to run for a unit: argv, working folder and environment, with `paths` mapping install
 * paths (prefixes) to the test's, `%d` to `credentialsDir` (each credential's file copied there,
 * as systemd does), and `extra` added last (what the test's machine needs: PATH, the worker).
 */
export async function unitCommand(
  unit: Unit,
  o: { paths: Record<string, string>; credentialsDir: string; extra?: Record<string, string> },
): Promise<{ argv: string[]; cwd: string; env: Record<string, string> }> {
  const map = (s: string) => {
    for (const [from, to] of Object.entries(o.paths)) {
      if (s === from || s.startsWith(`${from}/`)) return to + s.slice(from.length);
    }
    return s;
  };
  await Deno.mkdir(o.credentialsDir, { recursive: true, mode: 0o700 });
  for (const c of unit.credentials) {
    await Deno.copyFile(map(c.path), `${o.credentialsDir}/${c.name}`);
  }
  const env: Record<string, string> = {};
  for (const e of unit.environment) {
    if ("file" in e) Object.assign(env, readEnvFile(await Deno.readTextFile(map(e.file))));
    else env[e.name] = map(e.value.replaceAll("%d", o.credentialsDir));
  }
  return {
    argv: unit.execStart.map((a) => map(a)),
    cwd: map(unit.workingDirectory),
    env: { ...env, ...o.extra },
  };
}
