// The security headers of every answer: Hono's secureHeaders with a Content-Security-Policy that
// lets the page run only its own bundles and the inline scripts that carry this answer's nonce,
// talk only to this origin, the party server and the SFUs, and be framed by nobody; and a
// Permissions-Policy that gives the microphone and camera to this origin alone.
//
// Scripts: `'self'` plus a fresh nonce, never 'unsafe-inline'. Not 'strict-dynamic': partial
// navigation (lib/browser/partial.ts) adds the next page's bundles and their modulepreload links
// from script, and those links carry no nonce; every script the app runs is a file under /_build/
// served as JavaScript with `nosniff`, so `'self'` admits nothing an attacker can write.
//
// Styles: `<style>` and stylesheets only from this origin, but style *attributes* allowed
// (`style-src-attr 'unsafe-inline'`): the avatar's colour and size are a style attribute in the
// server's HTML, and a style attribute cannot run script or hold a selector (the way CSS reads
// attribute values out of a page), and `img-src`/`connect-src` keep any url() on this origin.
import type { Context, MiddlewareHandler } from "hono";
import { NONCE, secureHeaders } from "hono/secure-headers";
import type { Config } from "../config.ts";
import type { AppEnv } from "./env.ts";

/** The origins browsers reach the party server and every SFU at, each in its http(s) and ws(s) form. */
export function realtimeOrigins(config: Config): string[] {
  const urls = [config.partyPublicUrl, config.sfuPublicUrl, ...config.sfus.map((s) => s.publicUrl)];
  const out = new Set<string>();
  for (const url of urls) {
    let origin: URL;
    try {
      origin = new URL(url);
    } catch {
      continue;
    }
    const secure = origin.protocol === "https:" || origin.protocol === "wss:";
    out.add(`${secure ? "https" : "http"}://${origin.host}`);
    out.add(`${secure ? "wss" : "ws"}://${origin.host}`);
  }
  return [...out];
}

/** The nonce of this answer's inline scripts (set by the middleware before the page renders). */
export function cspNonce(c: Context<AppEnv>): string | undefined {
  return c.get("secureHeadersNonce");
}

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  // The stack's tests point the config at their own party and SFU after the app is made: read it
  // per answer.
  const realtime = (c: Context) => realtimeOrigins((c as Context<AppEnv>).get("deps").config).join(" ");
  return secureHeaders({
    crossOriginEmbedderPolicy: false,
    referrerPolicy: "strict-origin-when-cross-origin",
    xFrameOptions: "DENY",
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", NONCE],
      styleSrc: ["'self'", NONCE],
      styleSrcAttr: ["'unsafe-inline'"],
      imgSrc: ["'self'"],
      mediaSrc: ["'self'"],
      connectSrc: ["'self'", realtime],
      workerSrc: ["'self'"],
      manifestSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameSrc: ["'none'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
    permissionsPolicy: {
      microphone: ["self"],
      camera: ["self"],
      autoplay: ["self"],
      fullscreen: ["self"],
      pictureInPicture: ["self"],
      displayCapture: [],
      geolocation: [],
      payment: [],
      usb: [],
      serial: [],
      hid: [],
      midi: [],
      accelerometer: [],
      gyroscope: [],
      magnetometer: [],
      browsingTopics: [],
    },
  }) as unknown as MiddlewareHandler<AppEnv>;
}
