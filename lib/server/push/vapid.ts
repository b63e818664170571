// The server's VAPID key pair, which push services use to know that pushes come from Spazio.
// From the environment when set (several web instances must share one pair); otherwise made on
// first start and kept in KV, so every instance on the same KV agrees and restarts keep it
// (a new pair would silently invalidate every browser's subscription).
import webpush from "web-push";

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

const KEY = ["push_vapid"];

export async function vapidKeys(kv: Deno.Kv): Promise<VapidKeys> {
  const subject = Deno.env.get("SPAZIO_VAPID_SUBJECT") || "mailto:push@spazio.invalid";
  const envPublic = Deno.env.get("SPAZIO_VAPID_PUBLIC_KEY");
  const envPrivate = Deno.env.get("SPAZIO_VAPID_PRIVATE_KEY");
  if (envPublic && envPrivate) return { publicKey: envPublic, privateKey: envPrivate, subject };
  const stored = await kv.get<Omit<VapidKeys, "subject">>(KEY);
  if (stored.value) return { ...stored.value, subject };
  const fresh = webpush.generateVAPIDKeys();
  // Two instances starting together: the first write wins and both use it.
  await kv.atomic().check({ key: KEY, versionstamp: null }).set(KEY, fresh).commit();
  const winner = (await kv.get<Omit<VapidKeys, "subject">>(KEY)).value!;
  return { ...winner, subject };
}
