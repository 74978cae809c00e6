#!/usr/bin/env bash
# MCP conformance suite against the built server over Streamable HTTP on the sandbox workspace, for the
# 2025-11-25 and 2026-07-28 specs, checked against conformance/expected-failures.yml (an unexpected failure or
# a stale entry fails). The suite needs Node 22 (it uses fs.globSync) and is the first release that knows
# 2026-07-28, so npx fetches both from the registry. Its own "Total:" lines are kept out of this script's
# output so the test runner's summary stays the last word of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

SUITE="@modelcontextprotocol/conformance@0.2.0-alpha.12"
SPECS=(2025-11-25 2026-07-28)
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The shipped executable (launcher + bundle), as users run it.
npm run build --silent

node dist/cli.cjs --http --sandbox --port 0 2>"$WORK/server.log" &
SERVER_PID=$!
URL=""
for _ in $(seq 1 120); do
  URL="$(grep -o 'http://127\.0\.0\.1:[0-9]*/mcp' "$WORK/server.log" | head -1 || true)"
  [[ -n "$URL" ]] && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "conformance: the server exited before listening:" >&2
    cat "$WORK/server.log" >&2
    exit 1
  fi
  sleep 0.5
done
if [[ -z "$URL" ]]; then
  echo "conformance: the server did not start listening within 60 s:" >&2
  cat "$WORK/server.log" >&2
  exit 1
fi

status=0
for spec in "${SPECS[@]}"; do
  log="$WORK/conformance-$spec.log"
  baseline="$WORK/baseline-$spec.yml"
  node --input-type=module -e '
    import { readFileSync, writeFileSync } from "node:fs";
    import { load, dump } from "js-yaml";
    const [file, spec, out] = process.argv.slice(1);
    const all = load(readFileSync(file, "utf8"));
    writeFileSync(out, dump({ server: [...all.server, ...(all.by_spec?.[spec] ?? [])] }));
  ' conformance/expected-failures.yml "$spec" "$baseline"
  if npx -y -p node@22 -p "$SUITE" conformance server --url "$URL" --spec-version "$spec" \
      --expected-failures "$baseline" >"$log" 2>&1; then
    counts="$(sed -n 's/^Total: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 checks ok, \2 in expected-failure scenarios/p' "$log")"
    echo "conformance spec $spec: baseline check passed (${counts:-no totals printed})"
  else
    status=1
    echo "conformance spec $spec: FAILED against conformance/expected-failures.yml; suite output:" >&2
    grep -v -e '^Total:' -e 'npm warn' "$log" >&2 || true
  fi
done
exit "$status"
