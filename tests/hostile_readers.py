"""Readers that misbehave, for the import guard's tests. The guard runs them in a child
process, which imports them by name, so they live in a module of their own.

The file name says what the reader does with it: ``hang…`` never returns, ``greedy…``
allocates until memory runs out, ``boom…`` raises an unexpected error, ``crash…`` ends the
process abruptly, ``killed…`` has it killed by a signal; any other file is read by the real importers."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def misbehave(path: str):
    name = Path(path).name
    if name.startswith("hang"):
        while True:
            time.sleep(3600)
    if name.startswith("greedy"):
        blocks = []
        while True:
            blocks.append(bytearray(16 * 1024 * 1024))
    if name.startswith("boom"):
        raise KeyError("unexpected")
    if name.startswith("crash"):
        os._exit(3)
    if name.startswith("killed"):  # as the kernel's out-of-memory killer would
        os.kill(os.getpid(), signal.SIGKILL)
    from annotator.services.importers import read_document

    return read_document(path)


def greedy_inside_importer(path: str):
    """A parser that runs out of memory inside read_bytes, which reports it as an
    ImportFailure (as a crafted .docx would)."""
    from annotator.services import importers

    def allocate(data: bytes, name: str):
        blocks = []
        while True:
            blocks.append(bytearray(16 * 1024 * 1024))

    importers._read_plain = allocate  # this child only
    return importers.read_document(path)
