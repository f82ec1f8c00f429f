"""Entry point of the packaged app (PyInstaller runs this file)."""

import multiprocessing
import sys

from annotator.cli import main

if __name__ == "__main__":
    # Scores are computed, and imported files read, in child processes started with "spawn":
    # in a bundle a child is this same executable, and freeze_support() turns it into the
    # scoring worker or the file reader.
    multiprocessing.freeze_support()
    sys.exit(main())
