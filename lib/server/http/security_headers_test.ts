import assert from "node:assert/strict";
import type { Config } from "../config.ts";
import { realtimeOrigins } from "./security_headers.ts";

const base = { partyPublicUrl: "http://127.0.0.1:1999", sfuPublicUrl: "http://127.0.0.1:3001", sfus: [] };

Deno.test("connect-src names the party server and every SFU a page may be sent to, in both forms", () => {
  const table: [Partial<Config>, string[]][] = [
    [{}, ["http://127.0.0.1:1999", "ws://127.0.0.1:1999", "http://127.0.0.1:3001", "ws://127.0.0.1:3001"]],
    [
      {
        partyPublicUrl: "https://party.example.org/",
        sfuPublicUrl: "wss://sfu.example.org",
        sfus: [
          { id: "a", url: "http://10.0.0.1:3001", publicUrl: "https://a.example.org:8443" },
          { id: "b", url: "http://10.0.0.2:3001", publicUrl: "https://sfu.example.org" },
        ],
      },
      [
        "https://party.example.org",
        "wss://party.example.org",
        "https://sfu.example.org",
        "wss://sfu.example.org",
        "https://a.example.org:8443",
        "wss://a.example.org:8443",
      ],
    ],
  ];
  for (const [config, want] of table) {
    assert.deepEqual(realtimeOrigins({ ...base, ...config } as Config), want);
  }
});
