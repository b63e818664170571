// Admin commands: `deno task admin verify <handle>` and `deno task admin unverify <handle>`.
// They write to the same KV as the web server (SPAZIO_KV, default ./data/spazio.kv).
import { loadConfig } from "../lib/server/config.ts";
import { openKv } from "../lib/server/kv/db.ts";
import { UserStore } from "../lib/server/kv/users.ts";

const USAGE = "usage: deno task admin verify|unverify <handle>";

export async function runAdmin(
  args: string[],
  kvPath = loadConfig().kvPath,
): Promise<{ code: number; message: string }> {
  const [command, rawHandle] = args;
  if ((command !== "verify" && command !== "unverify") || !rawHandle) return { code: 2, message: USAGE };
  const kv = await openKv(kvPath);
  try {
    const users = new UserStore(kv);
    const user = await users.byHandle(rawHandle.replace(/^@/, "").toLowerCase());
    if (!user) return { code: 1, message: `no account has the handle @${rawHandle.replace(/^@/, "")}` };
    await users.update(user.id, { verified: command === "verify" });
    return { code: 0, message: `@${user.handle} is ${command === "verify" ? "now verified" : "no longer verified"}` };
  } finally {
    kv.close();
  }
}

if (import.meta.main) {
  const { code, message } = await runAdmin(Deno.args);
  (code === 0 ? console.log : console.error)(message);
  Deno.exit(code);
}
