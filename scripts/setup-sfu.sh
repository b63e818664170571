#!/usr/bin/env bash
# Makes the SFU runnable: builds (or finds cached) the mediasoup worker, then installs sfu/'s npm
# packages with MEDIASOUP_WORKER_BIN set so that mediasoup neither downloads nor builds a worker.
# Idempotent and quick when nothing changed. The last line of stdout is the worker binary's path.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

BIN="$(bash "$ROOT/scripts/build-mediasoup-worker.sh" | tail -n 1)"
[[ -x "$BIN" ]] || { echo "setup-sfu: worker build gave no binary" >&2; exit 1; }

# Reinstall only when the manifest, the lockfile or the worker changed since the last install.
stamp_of() { cat "$ROOT/sfu/package.json" "$ROOT/sfu/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16; }
STAMP_FILE="$ROOT/sfu/node_modules/.spazio-setup"
if [[ ! -f "$STAMP_FILE" || "$(cat "$STAMP_FILE")" != "$(stamp_of) $BIN" || ! -d "$ROOT/sfu/node_modules/mediasoup" ]]; then
  echo "setup-sfu: installing sfu/ packages" >&2
  MEDIASOUP_WORKER_BIN="$BIN" npm install --prefix "$ROOT/sfu" --no-audit --no-fund --loglevel=error >&2
  echo "$(stamp_of) $BIN" >"$STAMP_FILE"
fi
echo "$BIN"
