"""Disclosure control of a batch of tables in a process of its own.

``control.control`` spreads large releases over every core. It starts each worker as a fresh
interpreter (``python -m ciudadana.publish.control_worker``) rather than forking itself: the
process asking for a release may be running DuckDB, a web server or Spark on other threads,
and a child forked from such a process can crash. A fresh interpreter also never re-runs the
caller's own script, as ``multiprocessing``'s spawn and forkserver methods do.

The protocol is private to this package: a pickled list of ``_control_one`` arguments on
standard input, the pickled list of its results on standard output.
"""

from __future__ import annotations

import pickle
import sys


def main() -> None:
    from ciudadana.publish.control import _control_one

    jobs = pickle.load(sys.stdin.buffer)
    results = [_control_one(*job) for job in jobs]
    pickle.dump(results, sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
