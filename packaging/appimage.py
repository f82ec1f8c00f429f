"""The AppImage: one file that runs on any x86_64 Linux desktop, from the bundle build.py made.

    python packaging/appimage.py [--bundle dist/annotator-VERSION]   # → dist/annotator-VERSION-linux-x86_64.AppImage

Needs gcc, squashfs-tools and the static libraries of squashfuse and its decompressors (on
Debian and Ubuntu: ``apt install squashfs-tools libsquashfuse-dev libzstd-dev liblz4-dev
liblzma-dev liblzo2-dev zlib1g-dev``). The runtime is annotator's own
(``packaging/appimage/runtime.c``, linked statically): it needs no FUSE, extracts the app once
into ``~/.cache/annotator-appimage`` and runs it from there. Build from the glibc 2.31 bundle
(``old_glibc.sh``) for the widest reach. The file is then run with ``--self-test`` offline, as
the smoke test runs the bundle.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import _offline, bare_environments, bundle_dir, platform_tag, version, write_checksum
from deb import DESKTOP_ENTRY, ROOT, render_icons_apart

APP_RUN = """#!/bin/sh
# The AppImage's entry: the bundled app, with whatever the AppImage was started with.
here=$(dirname "$(readlink -f "$0")")
exec "$here/annotator/annotator" "$@"
"""


def build_runtime(into: Path) -> Path:
    """Compile the runtime and mark it as an AppImage of type 2 ("AI", 2 at offset 8)."""
    runtime = into / "runtime"
    source = ROOT / "packaging" / "appimage" / "runtime.c"
    subprocess.run(["gcc", "-O2", "-s", "-static", "-o", str(runtime), str(source),
                    "-lsquashfuse", "-lzstd", "-llz4", "-llzma", "-llzo2", "-lz"], check=True)
    with open(runtime, "r+b") as handle:
        handle.seek(8)
        handle.write(b"AI\x02")
    return runtime


def app_dir(bundle: Path, into: Path) -> Path:
    """The AppDir: the bundle, AppRun, the desktop entry and the icon at its top."""
    root = into / "AppDir"
    shutil.copytree(bundle, root / "annotator", symlinks=True)
    (root / "AppRun").write_text(APP_RUN, encoding="utf-8")
    (root / "AppRun").chmod(0o755)
    (root / "annotator.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    icons = into / "icons"
    render_icons_apart(icons)
    shutil.copy(icons / "256x256" / "apps" / "annotator.png", root / "annotator.png")
    (root / ".DirIcon").symlink_to("annotator.png")
    return root


def build_appimage(bundle: Path, out_dir: Path) -> Path:
    if not (bundle / "annotator").exists():
        raise SystemExit(f"no bundle in {bundle}: run packaging/build.py first")
    out = out_dir / f"annotator-{version()}-{platform_tag()}.AppImage"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runtime = build_runtime(work)
        root = app_dir(bundle, work)
        image = work / "app.squashfs"
        subprocess.run(["mksquashfs", str(root), str(image), "-comp", "zstd", "-b", "1M", "-noappend", "-all-root",
                        "-quiet"], check=True, stdout=subprocess.DEVNULL)
        out_dir.mkdir(parents=True, exist_ok=True)
        with open(out, "wb") as handle:
            for part in (runtime, image):
                with open(part, "rb") as source:
                    shutil.copyfileobj(source, handle, 1 << 20)
    out.chmod(0o755)
    write_checksum(out)
    return out


def smoke(appimage: Path) -> None:
    """The AppImage's self-test without network and with a bare environment (its window on
    the display when there is one)."""
    with tempfile.TemporaryDirectory() as home:
        env, shown = bare_environments(home)
        for args, run_env in ((["--version"], env), (["--self-test"], shown)):
            out = subprocess.run([*_offline(), str(appimage), *args], env=run_env, capture_output=True, text=True,
                                 timeout=300)
            print(f"$ {appimage.name} {' '.join(args)}\n{out.stdout}{out.stderr}")
            if out.returncode != 0:
                raise SystemExit(f"AppImage smoke test failed: {' '.join(args)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Make the AppImage from the bundle.")
    parser.add_argument("--bundle", type=Path, default=None, help="the bundle folder (default: dist/annotator-VERSION)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the AppImage goes (default: dist)")
    args = parser.parse_args()
    made = build_appimage(args.bundle or bundle_dir(), args.out)
    print(f"built {made} ({made.stat().st_size / 1e6:.0f} MB)")
    smoke(made)
