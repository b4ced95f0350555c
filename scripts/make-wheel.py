#!/usr/bin/env python3
"""Builds dist/vaetop-<version>-py3-none-linux_<arch>.whl: the Python client (clients/python/vaetop), and the
self-contained `vaetop` binary of `make dist` with its share/ folder (themes, sample runs, the MNIST subset) and
the shared libraries a fresh machine lacks (OpenBLAS and its Fortran runtime), found through the binary's
$ORIGIN/../lib rpath, as auditwheel bundles numpy's. The system's ncurses, zlib, libstdc++ and libgcc_s are used
(every Debian/Ubuntu base has them). Standard library only: no setuptools or wheel package is needed.

    python3 scripts/make-wheel.py --dist dist/vaetop-x86_64 --out dist
    python3 scripts/make-wheel.py --binary .build/debug/vaetop --out /tmp/w   # tests: any binary, no libraries
"""
import argparse
import base64
import hashlib
import os
import platform
import re
import stat
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLIENT = os.path.join(ROOT, "clients", "python")
# The libraries bundled: what `ldd` resolves for these names (OpenBLAS and the Fortran runtime it needs).
BUNDLED = ("libopenblas.so.0", "libgfortran.so.5", "libquadmath.so.0")

LAUNCHER = '''"""The `vaetop` command a wheel install puts on PATH: runs the bundled screen binary."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BINARY = os.path.join(HERE, "bin", "vaetop")


def main():
    if not os.path.exists(BINARY):
        sys.exit("vaetop: this install carries only the Python client (no screen binary for this platform); "
                 "build one with `make build` or `make dist`")
    os.execv(BINARY, [BINARY] + sys.argv[1:])


if __name__ == "__main__":
    main()
'''


def version():
    text = open(os.path.join(CLIENT, "vaetop", "__init__.py"), encoding="utf-8").read()
    return re.search(r'__version__\s*=\s*"([^"]+)"', text).group(1)


def libraries(binary):
    """Paths of the BUNDLED libraries the binary (and OpenBLAS) load, from ldd."""
    found = {}
    for target in [binary]:
        out = subprocess.run(["ldd", target], capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] in BUNDLED and parts[1] == "=>":
                found[parts[0]] = os.path.realpath(parts[2])
    if "libopenblas.so.0" in found:
        out = subprocess.run(["ldd", found["libopenblas.so.0"]], capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] in BUNDLED and parts[1] == "=>":
                found[parts[0]] = os.path.realpath(parts[2])
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dist", help="make dist's folder (bin/vaetop, share/vaetop)")
    ap.add_argument("--binary", help="a vaetop binary to carry instead (no share/ or libraries: for tests)")
    ap.add_argument("--out", default=os.path.join(ROOT, "dist"))
    a = ap.parse_args()
    if not a.dist and not a.binary:
        ap.error("give --dist DIR or --binary PATH")
    binary = a.binary or os.path.join(a.dist, "bin", "vaetop")
    if not os.path.isfile(binary):
        sys.exit(f"make-wheel: {binary}: no such binary (run make dist first)")
    arch = platform.machine()
    v = version()
    tag = f"py3-none-linux_{arch}"
    name = f"vaetop-{v}-{tag}.whl"
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, name)
    info = f"vaetop-{v}.dist-info"
    records = []

    def add(z, arc, data, mode=0o644):
        zi = zipfile.ZipInfo(arc, date_time=(2026, 1, 1, 0, 0, 0))
        zi.compress_type = zipfile.ZIP_DEFLATED
        zi.external_attr = (stat.S_IFREG | mode) << 16
        z.writestr(zi, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        records.append(f"{arc},sha256={digest},{len(data)}")

    def add_file(z, arc, src):
        mode = 0o755 if os.access(src, os.X_OK) else 0o644
        with open(src, "rb") as f:
            add(z, arc, f.read(), mode)

    with zipfile.ZipFile(path + ".tmp", "w") as z:
        for fn in sorted(os.listdir(os.path.join(CLIENT, "vaetop"))):
            if fn.endswith(".py"):
                add_file(z, f"vaetop/{fn}", os.path.join(CLIENT, "vaetop", fn))
        add(z, "vaetop/_native/__init__.py", LAUNCHER.encode())
        add_file(z, "vaetop/_native/bin/vaetop", binary)
        if a.dist:
            share = os.path.join(a.dist, "share", "vaetop")
            for dirpath, _, files in sorted(os.walk(share)):
                for fn in sorted(files):
                    src = os.path.join(dirpath, fn)
                    add_file(z, "vaetop/_native/share/vaetop/" + os.path.relpath(src, share), src)
            libs = libraries(binary)
            missing = [n for n in ("libopenblas.so.0",) if n not in libs]
            if missing:
                sys.exit(f"make-wheel: ldd finds no {', '.join(missing)} for {binary}")
            for soname, src in sorted(libs.items()):
                add_file(z, f"vaetop/_native/lib/{soname}", src)
        readme = open(os.path.join(CLIENT, "README.md"), encoding="utf-8").read()
        meta = (f"Metadata-Version: 2.1\nName: vaetop\nVersion: {v}\n"
                "Summary: vaetop's terminal screen for VAE training, and its client for PyTorch training loops\n"
                "Requires-Python: >=3.8\nProvides-Extra: torch\nRequires-Dist: torch>=1.13; extra == \"torch\"\n"
                "Description-Content-Type: text/markdown\n\n" + readme)
        add(z, f"{info}/METADATA", meta.encode())
        add(z, f"{info}/WHEEL", f"Wheel-Version: 1.0\nGenerator: vaetop make-wheel\nRoot-Is-Purelib: false\nTag: {tag}\n".encode())
        add(z, f"{info}/entry_points.txt", b"[console_scripts]\nvaetop = vaetop._native:main\n")
        add(z, f"{info}/top_level.txt", b"vaetop\n")
        records.append(f"{info}/RECORD,,")
        zi = zipfile.ZipInfo(f"{info}/RECORD", date_time=(2026, 1, 1, 0, 0, 0))
        zi.external_attr = (stat.S_IFREG | 0o644) << 16
        z.writestr(zi, "\n".join(records) + "\n")
    os.replace(path + ".tmp", path)
    print(f"{path}: {os.path.getsize(path) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
