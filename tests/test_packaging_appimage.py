"""The AppImage and its runtime (packaging/appimage.py, packaging/appimage/runtime.c), built
here from a stand-in bundle: it starts the bundled program with the arguments it was given,
unpacks once, and --appimage-extract gives back the files as they were."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and shutil.which("gcc") and shutil.which("mksquashfs")
         and Path("/usr/include/squashfuse/squashfuse.h").is_file()),
    reason="needs gcc, squashfs-tools and libsquashfuse-dev (see packaging/appimage.py)")


def test_the_appimage_runs_its_bundle_unpacks_once_and_extracts_as_built(tmp_path):
    bundle = tmp_path / "bundle"
    (bundle / "_internal" / "data").mkdir(parents=True)
    (bundle / "annotator").write_text('#!/bin/sh\necho "args: $*"\necho "appdir: $APPDIR"\n'
                                      'cat "$(dirname "$0")/_internal/data/words.txt"\n')
    (bundle / "annotator").chmod(0o755)
    (bundle / "_internal" / "data" / "words.txt").write_text("Clarifai deleted 3 million photos\n" * 2000)
    (bundle / "_internal" / "words-link.txt").symlink_to("data/words.txt")
    made = subprocess.run([sys.executable, str(REPO / "packaging" / "appimage.py"), "--bundle", str(bundle),
                           "--out", str(tmp_path / "dist")], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    # (its smoke test asks the stand-in for --self-test, which it answers with its arguments)
    assert made.returncode == 0, made.stderr
    appimage = next((tmp_path / "dist").glob("annotator-*.AppImage"))
    assert appimage.read_bytes()[8:11] == b"AI\x02" and os.access(appimage, os.X_OK)

    home = tmp_path / "home"
    env = {"PATH": os.defpath, "HOME": str(home)}
    first = subprocess.run([str(appimage), "open", "two words"], capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "args: open two words" in first.stdout and "unpacking the app once" in first.stderr
    assert first.stdout.count("Clarifai deleted 3 million photos") == 2000
    unpacked = Path(first.stdout.split("appdir: ", 1)[1].splitlines()[0])
    assert unpacked.is_relative_to(home / ".cache" / "annotator-appimage")
    again = subprocess.run([str(appimage), "again"], capture_output=True, text=True, env=env, timeout=120)
    assert "args: again" in again.stdout and "unpacking" not in again.stderr  # (from the cache)

    extracted = subprocess.run([str(appimage), "--appimage-extract"], cwd=tmp_path, capture_output=True, text=True,
                               timeout=120)
    assert extracted.returncode == 0, extracted.stderr
    root = tmp_path / "squashfs-root"
    assert (root / "annotator" / "_internal" / "data" / "words.txt").read_text() == \
        (bundle / "_internal" / "data" / "words.txt").read_text()
    assert os.readlink(root / "annotator" / "_internal" / "words-link.txt") == "data/words.txt"
    assert os.access(root / "AppRun", os.X_OK) and os.access(root / "annotator" / "annotator", os.X_OK)
    assert (root / "annotator.desktop").read_text().startswith("[Desktop Entry]")
    assert (root / "annotator.png").read_bytes().startswith(b"\x89PNG")

    # extracting again never writes through a link someone left in the folder
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(root / "annotator" / "_internal" / "data")
    (root / "annotator" / "_internal" / "data").symlink_to(elsewhere)
    again = subprocess.run([str(appimage), "--appimage-extract"], cwd=tmp_path, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode != 0 and "behind a link" in again.stderr
    assert list(elsewhere.iterdir()) == []

    # without a home to unpack into, it says so instead of guessing a shared folder
    homeless = subprocess.run([str(appimage)], capture_output=True, text=True, env={"PATH": os.defpath}, timeout=60)
    assert homeless.returncode != 0 and "set HOME" in homeless.stderr
