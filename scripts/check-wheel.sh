#!/usr/bin/env bash
# Installs the newest dist/vaetop-*.whl into a fresh venv and uses its `vaetop` with the Swift toolchain and the
# system's OpenBLAS and Fortran runtime hidden (a private mount namespace: unshare -m, root), as on a Python machine
# that never had Swift or -dev packages: ldd, then train on the screen (tmux, 80x24), headless, replay, export.
set -euo pipefail
cd "$(dirname "$0")/.."
wheel=$(ls -t dist/vaetop-*.whl | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --no-deps "$wheel"
echo "installed $wheel into a fresh venv"
export WORK="$work"
unshare -m bash -euo pipefail -c '
  empty=$(mktemp -d)
  mount --bind "$empty" /opt/swift                                   # no Swift toolchain
  mount --bind "$empty" /usr/lib/x86_64-linux-gnu/openblas-pthread   # no system OpenBLAS
  for f in /usr/lib/x86_64-linux-gnu/libgfortran.so.5 /usr/lib/x86_64-linux-gnu/libquadmath.so.0; do
    [ -e "$f" ] && mount --bind /dev/null "$f"                        # nor its Fortran runtime
  done
  bin=$(ls -d "$WORK"/venv/lib/python3*/site-packages/vaetop/_native/bin/vaetop)
  echo "== swift: $(command -v swift || echo none); /opt/swift holds $(ls /opt/swift | wc -l) entries"
  echo "== ldd $bin"; ldd "$bin"
  export PATH="$WORK/venv/bin:$PATH"
  cd "$WORK"
  echo "== which vaetop: $(command -v vaetop)"; vaetop --version
  echo "== vaetop train --headless --epochs 1"; vaetop train --headless --epochs 1 --out "$WORK/r" | tail -1
  echo "== vaetop replay (no terminal)"; vaetop replay "$WORK/r" </dev/null 2>&1 | tail -2
  echo "== vaetop replay free-bits (a sample run from the wheel)"; vaetop replay free-bits </dev/null 2>&1 | head -2
  echo "== vaetop export --csv / --tensorboard"; vaetop export "$WORK/r" --csv "$WORK/r.csv"; vaetop export "$WORK/r" --tensorboard "$WORK/tb"
  echo "== the screen, 80x24, training on the embedded MNIST"
  tmux -L wheelcheck kill-server 2>/dev/null || true
  tmux -L wheelcheck new-session -d -x 80 -y 24 "vaetop --epochs 2 --out $WORK/screen; sleep 20"
  sleep 8; tmux -L wheelcheck capture-pane -p | head -12
  tmux -L wheelcheck send-keys q; sleep 0.5; tmux -L wheelcheck send-keys y; sleep 3
  tmux -L wheelcheck kill-server 2>/dev/null || true; sleep 1
  echo "== vaetop watch (on a terminal) of the screen run"
  tmux -L wheelcheck new-session -d -x 80 -y 24 "vaetop watch $WORK/screen; sleep 10"
  sleep 3; tmux -L wheelcheck capture-pane -p | head -1; tmux -L wheelcheck kill-server 2>/dev/null || true
'
echo "wheel check: ok"
