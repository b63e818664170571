// mediasoup-client as the browser gets it: what `import { Device } from "mediasoup-client"`
// needs, bundled once into one ES module that scripts/build.ts's import map puts in the package's
// place. The package is CommonJS, so esbuild cannot drop what is unused: its index brings the
// FakeHandler and the test parameters (RemoteSdp requires the index for the version string alone),
// and its Device every handler, React Native's among them; none of those runs in a browser, yet each
// was parsed and evaluated as the Space page joined its audio (a fifth of the chunk, on the main
// thread). Built from the installed package's own files: the handlers a browser picks (Chrome111,
// Chrome74, Firefox120, Safari12) are unchanged.
import * as esbuild from "esbuild";

/** The React Native handler in a browser build: Device names it, and only React Native picks it. */
const REACT_NATIVE_STUB = `export const ReactNative106 = { createFactory() {
  throw new Error("mediasoup-client: the ReactNative106 handler is not in Spazio's browser build");
} };`;

/** Writes the slim mediasoup-client as an ES module at `outFile`. */
export async function buildSlimMediasoupClient(outFile: string): Promise<void> {
  const pkg = new URL("../node_modules/mediasoup-client/", import.meta.url);
  const root = new URL("lib/", pkg).pathname;
  const { version } = JSON.parse(await Deno.readTextFile(new URL("package.json", pkg)));
  const stubs: Record<string, string> = {
    "react-native-106": REACT_NATIVE_STUB,
    // What RemoteSdp takes from the package's index.
    "index": `export const version = ${JSON.stringify(version)};`,
  };
  try {
    await esbuild.build({
      stdin: {
        // Device.js itself, not the package's index (the package's exports do not name it).
        contents: `export { Device } from "./Device.js";`,
        resolveDir: root,
        sourcefile: "mediasoup-client-slim.js",
      },
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      minify: true,
      legalComments: "none",
      outfile: outFile,
      logLevel: "warning",
      plugins: [{
        name: "no-react-native",
        setup(build) {
          build.onResolve({ filter: /\/handlers\/ReactNative106(\.js)?$/ }, () => ({
            path: "react-native-106",
            namespace: "spazio-stub",
          }));
          build.onResolve(
            { filter: /^\.\.\/\.\.\/?$/ },
            (args) =>
              args.importer.endsWith("/handlers/sdp/RemoteSdp.js")
                ? { path: "index", namespace: "spazio-stub" }
                : undefined,
          );
          build.onLoad({ filter: /.*/, namespace: "spazio-stub" }, (args) => ({ contents: stubs[args.path] }));
        },
      }],
    });
  } finally {
    await esbuild.stop();
  }
}
