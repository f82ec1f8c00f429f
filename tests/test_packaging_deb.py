"""The Debian package (packaging/deb.py), built from a stand-in bundle and read back."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb is not installed")


def test_the_package_installs_the_app_on_the_path_with_its_menu_entry_icons_and_file_type(tmp_path):
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import deb
    finally:
        sys.path.remove(str(REPO / "packaging"))
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "annotator").write_text("#!/bin/sh\necho annotator\n")
    (bundle / "annotator").chmod(0o755)
    # (its own process: it draws the icons with a QGuiApplication, which must not be this one's)
    made = subprocess.run([sys.executable, str(REPO / "packaging" / "deb.py"), "--bundle", str(bundle),
                           "--out", str(tmp_path / "dist")], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    out = next((tmp_path / "dist").glob("annotator_*.deb"))

    info = subprocess.run(["dpkg-deb", "-I", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Package: annotator" in info and "libxcb-cursor0" in info and "postinst" in info and "postrm" in info
    listing = subprocess.run(["dpkg-deb", "-c", str(out)], capture_output=True, text=True, check=True).stdout
    assert "./usr/bin/annotator -> /opt/annotator/annotator" in listing
    assert "./opt/annotator/annotator" in listing
    for size in deb.ICON_SIZES:
        assert f"./usr/share/icons/hicolor/{size}x{size}/apps/annotator.png" in listing
    assert "./usr/share/icons/hicolor/scalable/apps/annotator.svg" in listing

    unpacked = tmp_path / "unpacked"
    subprocess.run(["dpkg-deb", "-x", str(out), str(unpacked)], check=True)
    desktop = (unpacked / "usr/share/applications/annotator.desktop").read_text()
    assert "Exec=annotator %f" in desktop and f"MimeType={deb.MIME_TYPE};" in desktop
    mime = (unpacked / "usr/share/mime/packages/annotator.xml").read_text()
    assert f'type="{deb.MIME_TYPE}"' in mime and 'pattern="*.annotator"' in mime
    copyright_file = (unpacked / "usr/share/doc/annotator/copyright").read_text()
    assert "License: MIT" in copyright_file and "Permission is hereby granted" in copyright_file
    assert "THIRD-PARTY-NOTICES.txt" in copyright_file
    png = (unpacked / "usr/share/icons/hicolor/256x256/apps/annotator.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 1000  # drawn, not blank

    digest, name = (tmp_path / "dist" / "SHA256SUMS").read_text().split()
    assert name == out.name and digest == hashlib.sha256(out.read_bytes()).hexdigest()
