"""Package the one-folder bundle (``packaging/build.py``) as a Debian package.

    python packaging/build.py          # the bundle, in dist/annotator-VERSION/
    python packaging/deb.py            # dist/annotator_VERSION_ARCH.deb and its SHA256SUMS line

What the package installs:

* the bundle in ``/opt/annotator`` and ``annotator`` on the PATH (``/usr/bin/annotator``);
* a desktop entry (the app in the desktop's menu, under Office), its icon in the hicolor theme
  (scalable and 16 to 256 pixels), and a MIME type for ``.annotator`` project files, so that
  the file manager opens them with annotator;
* the system libraries Qt's X11 platform plugin loads, as dependencies (a desktop has most of
  them; a minimal install lacks ``libxcb-cursor0`` and the like).

Install with ``sudo apt install ./annotator_VERSION_ARCH.deb``; ``sudo apt remove annotator``
takes everything away again (the MIME and desktop databases are refreshed both ways). Needs
``dpkg-deb`` (Debian and Ubuntu have it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))

from build import bundle_dir, version, write_checksum  # noqa: E402

MIME_TYPE = "application/x-annotator-project"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
# What Qt and its xcb platform plugin load from the system (PySide6's wheels bundle Qt itself,
# not these; the spec leaves them out of the bundle, see SYSTEM_LIBRARIES there). Package names
# as in Debian 11/12 and Ubuntu 20.04 to 24.04.
DEPENDS = ["libxcb-cursor0", "libxkbcommon-x11-0", "libxkbcommon0", "libxcb-icccm4", "libxcb-keysyms1",
           "libxcb-image0", "libxcb-render-util0", "libxcb-shape0", "libxcb-randr0", "libxcb-xfixes0",
           "libxcb-xkb1", "libxcb-sync1", "libxcb-shm0", "libxcb-render0", "libxcb-util1", "libxcb-glx0",
           "libxcb1", "libx11-xcb1", "libx11-6", "libegl1", "libgl1", "libfontconfig1", "libfreetype6",
           "libdbus-1-3", "libglib2.0-0", "libgssapi-krb5-2", "libbrotli1", "libzstd1", "zlib1g",
           "libstdc++6", "libgcc-s1"]

DESKTOP_ENTRY = f"""[Desktop Entry]
Type=Application
Name=annotator
GenericName=Claim annotator for fact-checkers
Comment=Compare how outlets report a story: highlight and link claims, record verdicts, score sources
Exec=annotator %f
Icon=annotator
Terminal=false
Categories=Office;
MimeType={MIME_TYPE};
StartupWMClass=annotator
"""

MIME_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="{MIME_TYPE}">
    <comment>annotator project</comment>
    <sub-class-of type="application/vnd.sqlite3"/>
    <icon name="annotator"/>
    <glob pattern="*.annotator" weight="80"/>
  </mime-type>
</mime-info>
"""

# Refreshed after install and after removal; each tool only where the system has it.
REFRESH = """#!/bin/sh
set -e
has() { command -v "$1" >/dev/null 2>&1; }
if has update-mime-database; then update-mime-database /usr/share/mime || true; fi
if has update-desktop-database; then update-desktop-database -q /usr/share/applications || true; fi
if has gtk-update-icon-cache; then gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true; fi
exit 0
"""


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def render_icons(svg: Path, into: Path) -> None:
    """The SVG icon at each hicolor size, as PNG (Qt's SVG renderer, no display needed)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot read the icon {svg}")
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        folder = into / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        if not image.save(str(folder / "annotator.png")):
            raise SystemExit(f"cannot write the {size}px icon")


def render_icons_apart(into: Path) -> None:
    """``render_icons`` of the app's icon, in a process of its own (Qt's application object
    must not be the caller's): for build.py and appimage.py."""
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
                    "import deb; deb.render_icons(deb.ROOT / 'resources' / 'annotator.svg', Path(sys.argv[2]))",
                    str(ROOT / "packaging"), str(into)], check=True)


def installed_size_kb(root: Path) -> int:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file() and not f.is_symlink()) // 1024


# Debian's machine-readable copyright file: annotator's licence, and where the licences of
# everything the bundle carries are (Help › Licences shows the same).
COPYRIGHT = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: annotator
Comment: /opt/annotator bundles Python, Qt (PySide6, LGPL-3.0) and other packages; their
 licences are in /opt/annotator/_internal/annotator/_resources/THIRD-PARTY-NOTICES.txt.

Files: *
Copyright: 2026 the annotator contributors
License: MIT

"""


def build_deb(bundle: Path, out_dir: Path) -> Path:
    if not (bundle / "annotator").exists():
        raise SystemExit(f"no bundle in {bundle}: run packaging/build.py first")
    arch = architecture()
    out = out_dir / f"annotator_{version()}_{arch}.deb"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(bundle, root / "opt" / "annotator", symlinks=True)
        (root / "usr" / "bin").mkdir(parents=True)
        (root / "usr" / "bin" / "annotator").symlink_to("/opt/annotator/annotator")
        applications = root / "usr" / "share" / "applications"
        applications.mkdir(parents=True)
        (applications / "annotator.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
        mime = root / "usr" / "share" / "mime" / "packages"
        mime.mkdir(parents=True)
        (mime / "annotator.xml").write_text(MIME_XML, encoding="utf-8")
        icons = root / "usr" / "share" / "icons" / "hicolor"
        (icons / "scalable" / "apps").mkdir(parents=True)
        shutil.copy(ROOT / "resources" / "annotator.svg", icons / "scalable" / "apps" / "annotator.svg")
        render_icons(ROOT / "resources" / "annotator.svg", icons)
        debian = root / "DEBIAN"
        debian.mkdir()
        (debian / "control").write_text(
            f"Package: annotator\nVersion: {version()}\nArchitecture: {arch}\n"
            "Maintainer: annotator developers <annotator@localhost>\nSection: editors\nPriority: optional\n"
            f"Installed-Size: {installed_size_kb(root)}\nDepends: {', '.join(DEPENDS)}\n"
            "Description: claim annotator for fact-checkers\n"
            " Compare how several outlets report one story: show the articles side by side,\n"
            " highlight claims, link them across documents, record verdicts, and score each\n"
            " source's reliability with its uncertainty. Works offline; one SQLite file per project.\n",
            encoding="utf-8")
        docs = root / "usr" / "share" / "doc" / "annotator"
        docs.mkdir(parents=True)
        (docs / "copyright").write_text(COPYRIGHT + (ROOT / "LICENSE").read_text(encoding="utf-8"), encoding="utf-8")
        for script in ("postinst", "postrm"):
            (debian / script).write_text(REFRESH, encoding="utf-8")
            (debian / script).chmod(0o755)
        out_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(out)], check=True,
                       stdout=subprocess.DEVNULL)
    write_checksum(out)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Package the bundle as a .deb.")
    parser.add_argument("--bundle", type=Path, default=None, help="the bundle folder (default: dist/annotator-VERSION)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the package goes (default: dist)")
    args = parser.parse_args()
    print(f"built {build_deb(args.bundle or bundle_dir(), args.out)}")
