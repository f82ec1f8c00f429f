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


def _elf(strings: bytes, *, wide: bool = True, big: bool = False, name_at: int = 10) -> bytes:
    """A minimal ELF file: a string table and a version-needs section asking libc.so.6 for
    the version named at ``name_at`` in ``strings``."""
    import struct

    order = ">" if big else "<"
    verneed = struct.pack(order + "HHIII", 1, 1, 0, 16, 0) + struct.pack(order + "IHHII", 0, 0, 2, name_at, 0)
    header_size, entry_size = (64, 64) if wide else (52, 40)
    strings_at = header_size
    verneed_at = strings_at + len(strings)
    sections_at = verneed_at + len(verneed)
    ident = b"\x7fELF" + bytes([2 if wide else 1, 2 if big else 1, 1]) + bytes(9)
    if wide:
        header = ident + struct.pack(order + "HHIQQQIHHHHHH", 3, 62, 1, 0, 0, sections_at, 0, header_size, 0, 0,
                                     entry_size, 2, 0)
        sections = (struct.pack(order + "IIQQQQIIQQ", 0, 3, 0, 0, strings_at, len(strings), 0, 0, 1, 0)
                    + struct.pack(order + "IIQQQQIIQQ", 0, 0x6FFFFFFE, 0, 0, verneed_at, len(verneed), 0, 1, 4, 0))
    else:
        header = ident + struct.pack(order + "HHIIIIIHHHHHH", 3, 3, 1, 0, 0, sections_at, 0, header_size, 0, 0,
                                     entry_size, 2, 0)
        sections = (struct.pack(order + "IIIIIIIIII", 0, 3, 0, 0, strings_at, len(strings), 0, 0, 1, 0)
                    + struct.pack(order + "IIIIIIIIII", 0, 0x6FFFFFFE, 0, 0, verneed_at, len(verneed), 0, 1, 4, 0))
    return header + strings + verneed + sections


@pytest.mark.parametrize(("wide", "big"), [(True, False), (False, False), (True, True), (False, True)])
def test_32_and_64_bit_files_of_either_byte_order_are_read(glibc_floor, tmp_path, wide, big):
    program = tmp_path / "program"
    program.write_bytes(_elf(b"libc.so.6\0GLIBC_2.17\0", wide=wide, big=big))
    assert glibc_floor.glibc_needs(program) == (2, 17)


def test_a_damaged_string_table_counts_as_asking_for_nothing(glibc_floor, tmp_path):
    program = tmp_path / "program"
    program.write_bytes(_elf(b"libc.so.6\0GLIBC_2.17\0", name_at=1 << 30))  # a name past the file's end
    assert glibc_floor.glibc_needs(program) is None
    top, files = glibc_floor.floor(tmp_path)
    assert top is None and files == []
