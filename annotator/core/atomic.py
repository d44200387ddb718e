"""Crash-safe file writes: a reader sees the old content or the new one, never a torn file.

The new bytes go to a temp file in the destination folder (same file system, so the rename is atomic),
are flushed and fsynced, then ``os.replace`` swaps them in. A process killed at any moment leaves the old
file untouched (at worst a hidden ``.NAME.*.tmp`` file remains beside it).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

_TEMP_SUFFIX = ".tmp"


def _current_umask() -> int:
    """The process umask, read without changing it where the OS allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    # Fallback: set and restore (not thread-safe, hence only when /proc is missing).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX only; Windows cannot open folders)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` atomically.

    Args:
        path: destination file. A symlink is followed, so the link's target is updated, not the link.
        data: the complete new content.

    The permission bits of an existing file are kept; a new file gets ``0o666`` minus the umask, like
    ``open(path, "w")`` would. On any error the temp file is removed and the old file is unchanged.

    Raises:
        PermissionError: the existing file is read-only (no write bit set, or not writable by this user).
        OSError: the folder does not exist or is not writable, the disk is full, ...
    """
    target = Path(os.path.realpath(os.fspath(path)))
    folder = target.parent
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_current_umask()
    else:
        # A rename would replace even a read-only file; refuse as open(path, "w") would (root included).
        if not mode & 0o222 or not os.access(target, os.W_OK):
            raise PermissionError(errno.EACCES, "file is read-only, not replaced", os.fspath(path))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        raise
    _fsync_dir(folder)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """`atomic_write_bytes` for text, encoded with ``encoding`` (newlines are written as given)."""
    atomic_write_bytes(path, text.encode(encoding))
