// THE RULE, in a table of every combination: callee's settings (calling on/off x 16 group
// choices) x relationship (contact, followed, verified) x DM history x blocks (none, callee's,
// caller's, both) = 4,096 rows. Expected answers come from a reading of the issue written
// independently of lib/shared/call_rule.ts: sets of groups, then the conditions in order.
import assert from "node:assert/strict";
import { type CallFacts, type CallRefusal, mayCall } from "./call_rule.ts";
import { catalogues, type MessageKey } from "../i18n/mod.ts";

const bools = [false, true];
const GROUPS = ["contacts", "following", "verified", "everyone"] as const;
const BLOCKS = ["none", "callee blocks caller", "caller blocks callee", "both"] as const;

function expected(f: CallFacts, block: typeof BLOCKS[number]): CallRefusal | "ok" {
  if (block === "caller blocks callee" || block === "both") return "blocked_by_you";
  if (block === "callee blocks caller") return "blocked";
  if (!f.settings.enabled) return "calling_off";
  const memberOf = new Set<string>(["everyone"]);
  if (f.inContacts) memberOf.add("contacts");
  if (f.followedByCallee) memberOf.add("following");
  if (f.callerVerified) memberOf.add("verified");
  const allowed = GROUPS.filter((g) => f.settings.allow[g]);
  if (!allowed.some((g) => memberOf.has(g))) return "not_allowed";
  return f.calleeWrote ? "ok" : "no_dm";
}

let rows = 0;
for (const enabled of bools) {
  for (const mask of Array.from({ length: 16 }, (_, i) => i)) {
    const allow = Object.fromEntries(
      GROUPS.map((g, i) => [g, (mask & (1 << i)) !== 0]),
    ) as CallFacts["settings"]["allow"];
    const label = `${enabled ? "on" : "off"}, allows [${GROUPS.filter((g) => allow[g]).join(", ") || "nobody"}]`;
    Deno.test(`rule table: calling ${label}: 128 callers`, () => {
      for (const inContacts of bools) {
        for (const followedByCallee of bools) {
          for (const callerVerified of bools) {
            for (const calleeWrote of bools) {
              for (const block of BLOCKS) {
                const f: CallFacts = {
                  settings: { enabled, allow },
                  inContacts,
                  followedByCallee,
                  callerVerified,
                  calleeWrote,
                  calleeBlocksCaller: block === "callee blocks caller" || block === "both",
                  callerBlocksCallee: block === "caller blocks callee" || block === "both",
                };
                const got = mayCall(f);
                const want = expected(f, block);
                assert.equal(
                  got.ok ? "ok" : got.reason,
                  want,
                  JSON.stringify({
                    label,
                    inContacts,
                    followedByCallee,
                    callerVerified,
                    calleeWrote,
                    block,
                  }),
                );
                rows++;
              }
            }
          }
        }
      }
    });
  }
}

Deno.test("rule table: covered all 4,096 combinations", () => {
  assert.equal(rows, 2 * 16 * 8 * 2 * 4);
});

const base: CallFacts = {
  settings: {
    enabled: true,
    allow: { contacts: true, following: true, verified: false, everyone: false },
  },
  inContacts: false,
  followedByCallee: false,
  callerVerified: false,
  calleeWrote: true,
  calleeBlocksCaller: false,
  callerBlocksCallee: false,
};

Deno.test("rule: examples in words", () => {
  const cases: [string, Partial<CallFacts>, CallRefusal | "ok"][] = [
    ["a stranger who was written to, default settings", {}, "not_allowed"],
    ["a contact who was written to", { inContacts: true }, "ok"],
    [
      "someone the callee follows, never written to",
      { followedByCallee: true, calleeWrote: false },
      "no_dm",
    ],
    ["a verified stranger, callee allows verified", {
      callerVerified: true,
      settings: { ...base.settings, allow: { ...base.settings.allow, verified: true } },
    }, "ok"],
    [
      "a verified stranger, callee does not allow verified",
      { callerVerified: true },
      "not_allowed",
    ],
    ["anyone, callee allows everyone", {
      settings: {
        enabled: true,
        allow: { contacts: false, following: false, verified: false, everyone: true },
      },
    }, "ok"],
    [
      "a contact, calling off",
      { inContacts: true, settings: { ...base.settings, enabled: false } },
      "calling_off",
    ],
    ["a contact the callee blocked", { inContacts: true, calleeBlocksCaller: true }, "blocked"],
    [
      "a contact the caller blocked",
      { inContacts: true, callerBlocksCallee: true },
      "blocked_by_you",
    ],
  ];
  for (const [what, patch, want] of cases) {
    const got = mayCall({ ...base, ...patch });
    assert.equal(got.ok ? "ok" : got.reason, want, what);
  }
});

Deno.test("rule: every refusal has plain words in English, French and Italian", () => {
  for (
    const reason of [
      "blocked_by_you",
      "blocked",
      "calling_off",
      "not_allowed",
      "no_dm",
    ] satisfies CallRefusal[]
  ) {
    const key = `call.err.${reason}` as MessageKey;
    for (const lang of ["en", "fr", "it"] as const) {
      assert.ok(catalogues[lang][key]?.length > 10, `${lang} ${key}`);
    }
  }
});
