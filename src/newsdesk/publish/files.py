"""Writing output files so that readers never see half a file and re-runs touch nothing.

Every output format (the HTML site, the Jekyll posts) goes through
``write_if_changed``: a file whose bytes would not change keeps its mtime, so
a web server, a Jekyll build or rsync sees no change either.

A write goes to a temporary file beside its target, named
``.NAME.XXXXXXXX.newsdesk.tmp``, which ``os.replace`` then moves over it. A
publish killed between the two leaves that file behind; the next publish
removes such files (``remove_stale_temps``) and no other: the run lease
(one run at a time per store) means no other publish of the store is writing
one at the time.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".newsdesk.tmp"
_TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.[a-z0-9_]{8}\.newsdesk\.tmp$")
"""The name ``write_atomic`` gives a temporary file (``tempfile.mkstemp``: eight characters
of ``[a-z0-9_]`` between the prefix and the suffix)."""
_EARLIER_TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.[a-z0-9_]{8}\.tmp$")
"""The name earlier versions gave it, ours only when the file it was for is beside it."""


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
    descriptor, temp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX
    )
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


def is_stale_temp(path: Path) -> bool:
    """Whether ``path`` is a temporary file ``write_atomic`` made (see the module docstring)."""
    if _TEMP_NAME.match(path.name):
        return True
    earlier = _EARLIER_TEMP_NAME.match(path.name)
    return earlier is not None and (path.parent / earlier["target"]).is_file()


def remove_stale_temps(folder: Path, *, recursive: bool = True) -> list[Path]:
    """Remove the temporary files a killed publish left in ``folder`` (and its subfolders
    when ``recursive``): files named as ``write_atomic`` names them, never another file.
    Returns the paths removed."""
    if not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.rglob(".*.tmp") if recursive else folder.glob(".*.tmp")):
        if path.is_file() and not path.is_symlink() and is_stale_temp(path):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
