"""Writing output files so that readers never see half a file and re-runs touch nothing.

Every output format (the HTML site, the Jekyll posts) goes through
``write_if_changed``: a file whose bytes would not change keeps its mtime, so
a web server, a Jekyll build or rsync sees no change either.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or ``None`` when there is no file to compare with."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless the file already holds it; say whether it wrote."""
    if read_bytes(path) == data:
        return False
    write_atomic(path, data)
    return True


def write_atomic(path: Path, data: bytes) -> None:
    """Write a temp file in the same folder, then ``os.replace``: no reader sees half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
