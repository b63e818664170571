// Production mode, one rule for every process (web, party, SFU, `deno task start`): on when
// SPAZIO_ENV=production or when SPAZIO_PUBLIC_URL is https. In production a process refuses to
// start with a development or short secret, naming the variable, so that a deployment can never
// run on the secrets published in defaults.ts. Secrets may come from a file (`<NAME>_FILE`, for
// systemd credentials and container secrets), never from argv. Reading the file is the caller's:
// this module imports nothing runtime-specific.
import { DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "./defaults.ts";

/** The shortest secret production accepts: 32 characters (e.g. `openssl rand -base64 32` gives 44). */
export const MIN_SECRET_LENGTH = 32;

/** The secrets every deployment must set, with the development value each replaces. */
export const SECRETS = {
  SPAZIO_ROOM_SECRET: DEV_ROOM_SECRET,
  SPAZIO_SERVER_SECRET: DEV_SERVER_SECRET,
} as const;
export type SecretName = keyof typeof SECRETS;

type Env = Record<string, string | undefined>;

const set = (v: string | undefined): v is string => typeof v === "string" && v.trim() !== "";

/** SPAZIO_ENV=production, or an https public URL (a site people reach is production). */
export function isProduction(env: Env): boolean {
  const mode = env.SPAZIO_ENV?.trim().toLowerCase();
  if (mode === "production") return true;
  if (mode === "development") return false;
  return set(env.SPAZIO_PUBLIC_URL) && env.SPAZIO_PUBLIC_URL.trim().toLowerCase().startsWith("https://");
}

/**
 * Fills `<NAME>` from `<NAME>_FILE` (trailing newline dropped) for each name given. Both set is an
 * error: one of them would be silently ignored.
 */
export function secretsFromFiles(env: Env, names: readonly string[], readFile: (path: string) => string): Env {
  const out: Env = { ...env };
  for (const name of names) {
    const file = env[`${name}_FILE`];
    if (!set(file)) continue;
    if (set(env[name])) throw new ProductionError(`${name} and ${name}_FILE are both set: keep one.`);
    let value: string;
    try {
      value = readFile(file.trim());
    } catch (err) {
      throw new ProductionError(`${name}_FILE: cannot read ${file.trim()} (${(err as Error).message}).`);
    }
    out[name] = value.replace(/\r?\n$/, "");
  }
  return out;
}

/** What is wrong with the secrets for production; empty when they will do. */
export function secretProblems(
  env: Env,
  names: readonly SecretName[] = Object.keys(SECRETS) as SecretName[],
): string[] {
  const problems: string[] = [];
  for (const name of names) {
    const value = env[name];
    if (!set(value)) problems.push(`${name} is not set (or set ${name}_FILE to a file holding it).`);
    else if (value === SECRETS[name]) problems.push(`${name} is the development secret published in the code.`);
    else if (value.length < MIN_SECRET_LENGTH) {
      problems.push(`${name} is ${value.length} characters; production needs at least ${MIN_SECRET_LENGTH}.`);
    }
  }
  const given = names.map((n) => env[n]).filter(set);
  if (given.length > 1 && new Set(given).size < given.length) {
    problems.push(`${names.join(" and ")} must differ: one signs tokens browsers hold, the other server calls.`);
  }
  return problems;
}

/** Throws when production mode is on and a secret is missing, published or short. */
export function assertProductionSecrets(env: Env, process: string, names?: readonly SecretName[]): void {
  if (!isProduction(env)) return;
  const problems = secretProblems(env, names);
  if (problems.length === 0) return;
  throw new ProductionError(
    `${process} refuses to start in production mode (SPAZIO_ENV=production or an https SPAZIO_PUBLIC_URL):\n` +
      problems.map((p) => `  - ${p}`).join("\n") +
      `\nMake a secret with: openssl rand -base64 32`,
  );
}

export class ProductionError extends Error {
  override name = "ProductionError";
}
