"""The glibc floor of a bundle (packaging/glibc_floor.py), read from real ELF files."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and ELF files are Linux's")


@pytest.fixture
def glibc_floor():
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import glibc_floor
    finally:
        sys.path.remove(str(REPO / "packaging"))
    return glibc_floor


def _interpreter() -> Path:
    return Path(os.path.realpath(sys.executable))


def test_the_floor_of_a_program_is_the_highest_glibc_version_it_asks_for(glibc_floor):
    needs = glibc_floor.glibc_needs(_interpreter())
    assert needs is not None and needs >= (2, 2)
    if shutil.which("objdump"):  # the same answer as binutils, where they are installed
        table = subprocess.run(["objdump", "-T", str(_interpreter())], capture_output=True, text=True).stdout
        versions = {tuple(int(p) for p in v.split(".")) for v in re.findall(r"GLIBC_([0-9.]+)\)?\s", table)}
        assert needs == max(versions)


def test_files_that_are_not_programs_or_are_cut_short_ask_for_nothing(glibc_floor, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("GLIBC_2.99 is only words here\n")
    cut = tmp_path / "cut.so"
    cut.write_bytes(_interpreter().read_bytes()[:200])
    assert glibc_floor.glibc_needs(text) is None
    assert glibc_floor.glibc_needs(cut) is None
    assert glibc_floor.glibc_needs(tmp_path / "missing") is None


def test_a_folder_reports_its_floor_and_the_files_that_set_it(glibc_floor, tmp_path, capsys):
    (tmp_path / "lib").mkdir()
    shutil.copy(_interpreter(), tmp_path / "lib" / "program")
    (tmp_path / "README").write_text("not a program")
    top, files = glibc_floor.floor(tmp_path)
    assert top == glibc_floor.glibc_needs(_interpreter())
    assert files == [tmp_path / "lib" / "program"]
    assert glibc_floor.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"glibc floor: {'.'.join(map(str, top))}" in out and "lib/program" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    assert glibc_floor.main([str(empty)]) == 1
