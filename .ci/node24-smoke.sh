#!/usr/bin/env bash
# Smoke test on the current Node LTS (24), fetched from npm as the `node` package (no global
# install): build, config check, a 10 s `npm start` on the in-process simulator, and a
# backtest of one synthetic day. Each step prints PASS/FAIL and its time; the last line is
# "node24-smoke: P passed, F failed" (or "skipped" when Node 24 cannot be fetched).
# Failure policy (docs/adr/0004-uwebsockets-build.md): a failing step fails CI; a fetch
# failure (registry unreachable) is reported and skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
cache="${XARB_CI_CACHE:-${HOME:-/tmp}/.cache/xarb-ci}/node-${NODE24_VERSION}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0; fail=0

if [ ! -x "$cache/node_modules/node/bin/node" ]; then
  echo "node24-smoke: fetching node@${NODE24_VERSION} from npm into $cache"
  mkdir -p "$cache"
  if ! npm install --prefix "$cache" "node@${NODE24_VERSION}" --no-audit --no-fund --no-save --loglevel=notice >"$work/fetch.log" 2>&1 \
     || [ ! -x "$cache/node_modules/node/bin/node" ]; then
    tail -n 20 "$work/fetch.log"
    echo "node24-smoke: skipped (could not fetch node@${NODE24_VERSION})"
    exit 0
  fi
fi
export PATH="$cache/node_modules/node/bin:$PATH"
echo "node24-smoke: $(node -v) ($(command -v node))"

step() {
  local name="$1"; shift
  local t0=$SECONDS
  if "$@" >"$work/$name.log" 2>&1; then
    pass=$((pass + 1)); echo "node24-smoke: PASS $name ($((SECONDS - t0)) s)"
  else
    fail=$((fail + 1)); echo "node24-smoke: FAIL $name ($((SECONDS - t0)) s)"; tail -n 30 "$work/$name.log"
  fi
}

start_10s() {
  # npm start with its duration shortened; stdout is a pipe, so it must be JSON lines ending in the report.
  npm start -- --duration 10s --runs-dir "$work/runs" --no-status >"$work/start.out" || return 1
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
    const objs = lines.map((l) => JSON.parse(l));
    const r = objs[objs.length - 1];
    if (r.type !== "report" || r.run_status.status !== "ended") throw new Error("no report line");
    console.log(`${lines.length} JSON lines; ended: ${r.endReason}`);
  ' "$work/start.out"
}

backtest_day() {
  node bin/xarb.js data synth --config config/arbitrage.toml --start-date 2024-01-01 --rate 1 --out "$work/data" &&
  node bin/xarb.js --mode dry-run --config config/arbitrage.toml --start-date 2024-01-01 --data "$work/data" \
    --runs-dir "$work/bt" --no-progress >"$work/bt.out" &&
  # stdout is a pipe: the report is one JSON line (src/cli/output.ts).
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").pop());
    if (r.type !== "report" || !(r.events > 0)) throw new Error("no backtest report line");
  ' "$work/bt.out"
}

step build npm run build --silent
step config-check node bin/xarb.js config check --config config/arbitrage.toml
step version node bin/xarb.js --version
step npm-start-10s start_10s
step backtest-1-day backtest_day
echo "node24-smoke: ${pass} passed, ${fail} failed"
[ "$fail" -eq 0 ]
