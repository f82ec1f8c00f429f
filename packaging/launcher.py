"""Entry point of the packaged app (PyInstaller runs this file)."""

import multiprocessing
import sys

from annotator.cli import main

if __name__ == "__main__":
    # Scores are computed in a child process started with "spawn": in a bundle the child is
    # this same executable, and freeze_support() turns it into the scoring worker.
    multiprocessing.freeze_support()
    sys.exit(main())
