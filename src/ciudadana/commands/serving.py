"""Starting the portal from a verb: a free port, and uvicorn over one release folder."""

from __future__ import annotations

import socket
from pathlib import Path


def free_port(host: str, port: int, tries: int = 50) -> int:
    """``port`` if nothing listens on it, else the next free one (up to ``tries`` further)."""
    for candidate in range(port, port + tries):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return port


def serve_release(folder: Path, host: str, port: int) -> None:
    """Serve a release (API and dashboard) until Ctrl+C. The portal gets the folder only."""
    from ciudadana.portal import serve

    serve(folder, host, port)
