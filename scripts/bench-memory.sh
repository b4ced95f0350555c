#!/usr/bin/env bash
# Memory benchmark (release build): resident memory of the screen's state after 100,000 and after 10 million
# steps (target: within 50 MB), and the peak while replaying a 500,000-step run file (target: under 300 MB).
# STEPS and REPLAY_STEPS override the sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product vaetop >/dev/null
.build/release/vaetop bench-memory --steps "${STEPS:-10000000}" --replay-steps "${REPLAY_STEPS:-500000}"
