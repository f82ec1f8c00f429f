"""The oldest glibc a Linux bundle runs on: the highest ``GLIBC_x.y`` symbol version that any
ELF file in it asks for (its "version needs", what the dynamic loader checks at start-up).

    python packaging/glibc_floor.py dist/annotator-VERSION

prints the floor and the files that set it. ``build.py`` prints it after a build; the
packaging README gives the floor of the builds made so far. Only the standard library is used:
the bundle is read as bytes, no binutils needed.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
SHT_GNU_VERNEED = 0x6FFFFFFE


def _version(name: str) -> tuple[int, ...] | None:
    """``GLIBC_2.34`` → (2, 34); other version names (``GLIBCXX_3.4``, ``GLIBC_PRIVATE``) → None."""
    if not name.startswith("GLIBC_"):
        return None
    parts = name[len("GLIBC_"):].split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def glibc_needs(path: Path) -> tuple[int, ...] | None:
    """The highest glibc version ``path`` asks for; None when it is not an ELF file or asks
    for none (a file too short or damaged for its headers counts as none)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data[:4] != ELF_MAGIC or len(data) < 64:
        return None
    wide, order = data[4] == 2, "<" if data[5] == 1 else ">"
    try:
        if wide:
            shoff, = struct.unpack_from(order + "Q", data, 0x28)
            shentsize, shnum = struct.unpack_from(order + "HH", data, 0x3A)
        else:
            shoff, = struct.unpack_from(order + "I", data, 0x20)
            shentsize, shnum = struct.unpack_from(order + "HH", data, 0x2E)
        sections = []
        for i in range(shnum):
            at = shoff + i * shentsize
            if wide:
                _name, kind, _flags, _addr, offset, size, link, info = struct.unpack_from(order + "IIQQQQII", data, at)
            else:
                _name, kind, _flags, _addr, offset, size, link, info = struct.unpack_from(order + "IIIIIIII", data, at)
            sections.append((kind, offset, size, link, info))
        best: tuple[int, ...] | None = None
        for kind, offset, _size, link, count in sections:
            if kind != SHT_GNU_VERNEED:
                continue
            strings = sections[link][1]
            entry = offset
            for _ in range(count):  # Elf_Verneed: version, cnt, file, aux, next
                _ver, aux_count, _file, aux, following = struct.unpack_from(order + "HHIII", data, entry)
                at = entry + aux
                for _ in range(aux_count):  # Elf_Vernaux: hash, flags, other, name, next
                    _hash, _flags, _other, name_at, next_aux = struct.unpack_from(order + "IHHII", data, at)
                    version = _version(_string(data, strings + name_at))
                    if version and (best is None or version > best):  # (only glibc's libraries define them)
                        best = version
                    if not next_aux:
                        break
                    at += next_aux
                if not following:
                    break
                entry += following
        return best
    except (struct.error, IndexError, ValueError):  # (damaged: a string without its end, a table out of range)
        return None


def _string(data: bytes, at: int) -> str:
    end = data.index(b"\0", at)
    return data[at:end].decode("ascii", "replace")


def floor(folder: Path) -> tuple[tuple[int, ...] | None, list[Path]]:
    """The floor of every file under ``folder`` and the files that ask for it."""
    needs = {p: v for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()
             for v in [glibc_needs(p)] if v is not None}
    if not needs:
        return None, []
    top = max(needs.values())
    return top, [p for p, v in needs.items() if v == top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The oldest glibc a bundle runs on.")
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    top, files = floor(args.folder)
    if top is None:
        print(f"{args.folder}: no ELF file asks for a glibc version")
        return 1
    print(f"glibc floor: {'.'.join(map(str, top))}")
    for path in files[:10]:
        print(f"  set by {path.relative_to(args.folder)}")
    if len(files) > 10:
        print(f"  and {len(files) - 10} more")
    return 0


if __name__ == "__main__":
    sys.exit(main())
