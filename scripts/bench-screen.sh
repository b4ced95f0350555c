#!/usr/bin/env bash
# Screen benchmarks (release build): frame render time, training throughput with the screen on versus
# headless (same config, back to back), and key press to visible change, measured through tmux.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product vaetop >/dev/null
bin=$PWD/.build/release/vaetop
tmp=$(mktemp -d)
trap 'tmux -L vaetop-bench kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT
epochs=${EPOCHS:-40}

echo "== render"
"$bin" bench-screen --steps 100000 --latent 64 --width 200 --height 60 --frames 200

echo "== throughput: screen vs headless ($epochs epochs, default model, 1 trainer thread)"
rate() { python3 -c "import json,sys; [print(round(json.loads(l)['samplesPerSecond'])) for l in open(sys.argv[1]) if '\"kind\":\"end\"' in l]" "$1"; }
for round in 1 2; do
  "$bin" train --headless --epochs "$epochs" --out "$tmp/headless$round" >/dev/null
  tmux -L vaetop-bench -u new-session -d -s s -x 200 -y 60 "env LANG=C.UTF-8 TERM=tmux-256color $bin --epochs $epochs --out $tmp/screen$round; sleep 5"
  until grep -q '"kind":"end"' "$tmp/screen$round/run.jsonl" 2>/dev/null; do sleep 0.5; done
  tmux -L vaetop-bench send-keys -t s q; sleep 1; tmux -L vaetop-bench kill-server 2>/dev/null || true
  h=$(rate "$tmp/headless$round/run.jsonl"); s=$(rate "$tmp/screen$round/run.jsonl")
  echo "round $round: headless $h samples/s, screen $s samples/s, screen/headless $(awk -v a="$s" -v b="$h" 'BEGIN{printf "%.3f", a/b}')"
done

echo "== key press to visible change (m toggles the 'smoothed' badge; 20 presses, 200x60, training running)"
tmux -L vaetop-bench -u new-session -d -s k -x 200 -y 60 "env LANG=C.UTF-8 TERM=tmux-256color $bin --epochs 2000 --out $tmp/keys"
sleep 3
python3 - <<'PY'
import subprocess, time, statistics
def cap():
    return subprocess.run(["tmux", "-L", "vaetop-bench", "capture-pane", "-t", "k", "-p"], capture_output=True, text=True).stdout
lat = []
for i in range(20):
    before = cap().count("smoothed")
    t0 = time.perf_counter()
    subprocess.run(["tmux", "-L", "vaetop-bench", "send-keys", "-t", "k", "m"])
    while cap().count("smoothed") == before:
        if time.perf_counter() - t0 > 2: break
    lat.append((time.perf_counter() - t0) * 1000)
    time.sleep(0.2)
print(f"key to visible: median {statistics.median(lat):.1f} ms, max {max(lat):.1f} ms (frame interval 33 ms; includes tmux send/capture round trips)")
PY
tmux -L vaetop-bench send-keys -t k q; sleep 0.3; tmux -L vaetop-bench send-keys -t k y; sleep 2
