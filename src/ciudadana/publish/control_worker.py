"""Disclosure control of one table at a time, in a process of its own.

``control.control`` spreads large releases over every core. It starts each worker as a fresh
interpreter (``python -m ciudadana.publish.control_worker``) rather than forking itself: the
process asking for a release may be running DuckDB, a web server or Spark on other threads,
and a child forked from such a process can crash. A fresh interpreter also never re-runs the
caller's own script, as ``multiprocessing``'s spawn and forkserver methods do.

The protocol is private to this package. On standard input, one frame per table: its length
(8 bytes, big-endian) and the pickled ``_control_one`` arguments; a frame of length 0 ends the
work. On standard output, one frame per table with the pickled result, in the same order.
"""

from __future__ import annotations

import pickle
import sys
from typing import IO, Any

_LENGTH = 8


def write_frame(stream: IO[bytes], value: Any | None) -> None:
    """One frame: ``None`` writes the end of the work."""
    payload = b"" if value is None else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(payload).to_bytes(_LENGTH, "big") + payload)
    stream.flush()


def read_frame(stream: IO[bytes]) -> Any | None:
    """The next frame's value; ``None`` at the end of the work."""
    head = stream.read(_LENGTH)
    if len(head) < _LENGTH:
        raise EOFError("the other end closed the pipe mid-frame")
    size = int.from_bytes(head, "big")
    if size == 0:
        return None
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError("the other end closed the pipe mid-frame")
    return pickle.loads(payload)


def main() -> None:
    from ciudadana.publish.control import _control_one

    while (job := read_frame(sys.stdin.buffer)) is not None:
        write_frame(sys.stdout.buffer, _control_one(*job))


if __name__ == "__main__":
    main()
