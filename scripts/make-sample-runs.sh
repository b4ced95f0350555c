#!/usr/bin/env bash
# Regenerates sample-runs/ with the release build: headless runs and two runs driven through tmux
# (keyboard changes of lr and β; an lr that diverged, undone, and a rewind). Checkpoints are not kept.
# `undo-and-rewind` regenerates only that run, `headless` only the seven runs trained without a screen.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product vaetop >/dev/null
bin=$PWD/.build/release/vaetop
out=$PWD/sample-runs
common=(--latent 32 --epochs 60 --likelihood gaussian --eval-every 180 --seed 1)
mkdir -p "$out"
only=${1:-}

# Undo and rewind: lr 10 typed at about step 300 diverges and is undone with u; later r goes back two snapshots
# and β 0.5 is set there before resuming. Two rewinds: two ghosts on the charts.
undo_and_rewind() {
  local dir=$out/undo-and-rewind screen
  rm -rf "$dir"
  tmux kill-session -t vaetop-undo 2>/dev/null || true
  tmux -u new-session -d -s vaetop-undo -x 120 -y 40 "env LANG=C.UTF-8 TERM=tmux-256color $bin ${common[*]} --nan-patience 5 --out $dir; sleep 1"
  wait_for() { for _ in $(seq 1 600); do screen=$(tmux capture-pane -p -t vaetop-undo 2>/dev/null || true); grep -q "$1" <<<"$screen" && return 0; sleep 0.1; done; echo "timed out waiting for: $1" >&2; return 1; }
  wait_for "step 3[0-9][0-9]/"
  tmux send-keys -t vaetop-undo Enter; tmux send-keys -t vaetop-undo -l "10"; tmux send-keys -t vaetop-undo Enter
  wait_for "diverged at step"
  tmux send-keys -t vaetop-undo u
  wait_for "step 9[0-9][0-9]/"
  tmux send-keys -t vaetop-undo r; sleep 0.3
  tmux send-keys -t vaetop-undo Left; sleep 0.2; tmux send-keys -t vaetop-undo Left; sleep 0.2
  tmux send-keys -t vaetop-undo Enter
  wait_for "● paused"
  tmux send-keys -t vaetop-undo Down; sleep 0.2
  tmux send-keys -t vaetop-undo Enter; tmux send-keys -t vaetop-undo -l "0.5"; tmux send-keys -t vaetop-undo Enter; sleep 0.3
  tmux send-keys -t vaetop-undo Space
  while tmux has-session -t vaetop-undo 2>/dev/null; do
    if [ -n "$(tail -c 400 "$dir/run.jsonl" | grep '"kind":"end"' || true)" ]; then tmux send-keys -t vaetop-undo q; fi
    sleep 0.5
  done
  rm -f "$dir/checkpoint.bin"
}
# The seven headless runs: deterministic, so regenerating them changes only what a newer vaetop records more of.
headless() {
  for name in no-annealing linear-warmup cyclical-annealing free-bits capacity-annealing lr-find-onecycle vae-gan; do rm -rf "${out:?}/$name"; done
  "$bin" train --headless "${common[@]}" --out "$out/no-annealing" >/dev/null
  "$bin" train --headless "${common[@]}" --beta-schedule linear --beta-start 0 --beta-warmup 1080 --out "$out/linear-warmup" >/dev/null
  "$bin" train --headless "${common[@]}" --beta-schedule cyclical --beta-cycles 4 --beta-ratio 0.5 --out "$out/cyclical-annealing" >/dev/null
  "$bin" train --headless "${common[@]}" --free-bits 0.1 --out "$out/free-bits" >/dev/null
  "$bin" train --headless "${common[@]}" --beta-schedule capacity --capacity-max 8 --capacity-steps 1620 --capacity-gamma 50 --out "$out/capacity-annealing" >/dev/null
  "$bin" lr-find --headless "${common[@]}" --lr-steps 100 --apply onecycle --out "$out/lr-find-onecycle" >/dev/null
  "$bin" train --headless --model vae-gan --beta 0.02 --latent 32 --epochs 30 --eval-every 180 --seed 1 --out "$out/vae-gan" >/dev/null
}
if [ "$only" = undo-and-rewind ]; then undo_and_rewind; du -sh "$out/undo-and-rewind"; exit 0; fi
if [ "$only" = headless ]; then headless; rm -f "$out"/*/checkpoint.bin; du -sh "$out"/*; exit 0; fi
[ -z "$only" ] || { echo "unknown sample run: $only (undo-and-rewind, headless, or nothing for all)" >&2; exit 64; }

headless
rm -rf "${out:?}/interactive"

# Interactive: pause, raise the lr three steps, resume; later override β to 0.3; later clear the override.
tmux kill-session -t vaetop-sample 2>/dev/null || true
tmux -u new-session -d -s vaetop-sample -x 120 -y 40 "env LANG=C.UTF-8 TERM=tmux-256color $bin ${common[*]} --out $out/interactive; sleep 1"
sleep 2
tmux send-keys -t vaetop-sample Space; sleep 0.3
tmux send-keys -t vaetop-sample Right; sleep 0.2; tmux send-keys -t vaetop-sample Right; sleep 0.2; tmux send-keys -t vaetop-sample Right; sleep 0.2
tmux send-keys -t vaetop-sample Space; sleep 1.5
tmux send-keys -t vaetop-sample Space; sleep 0.3
tmux send-keys -t vaetop-sample Down; sleep 0.2
tmux send-keys -t vaetop-sample Enter; tmux send-keys -t vaetop-sample -l "0.3"; tmux send-keys -t vaetop-sample Enter; sleep 0.3
tmux send-keys -t vaetop-sample Space; sleep 3
tmux send-keys -t vaetop-sample x; sleep 0.3
while tmux has-session -t vaetop-sample 2>/dev/null; do
  if [ -n "$(tail -c 400 "$out/interactive/run.jsonl" | grep '"kind":"end"' || true)" ]; then tmux send-keys -t vaetop-sample q; fi
  sleep 0.5
done
undo_and_rewind
rm -f "$out"/*/checkpoint.bin
du -sh "$out"/*
