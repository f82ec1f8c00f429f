"""The Qt desktop interface. The only package (with ``annotator.app``) that imports PySide6."""
