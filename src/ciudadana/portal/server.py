"""``serve(release_dir, host, port)``: the portal over one release, with uvicorn, until stopped.

Example:
    >>> serve(Path("ciudadana-demo/publicacion/2020.12.31"), port=8001)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from socket import socket

import uvicorn

from ciudadana.portal.app import create_app


class _Server(uvicorn.Server):
    """uvicorn's server, telling ``on_ready`` the URL once it listens."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[str], None] | None) -> None:
        super().__init__(config)
        self.on_ready = on_ready

    async def startup(self, sockets: list[socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self.on_ready is not None:
            host, port = self.config.host, self.config.port
            for server in getattr(self, "servers", []):
                for sock in server.sockets:
                    port = sock.getsockname()[1]
            self.on_ready(f"http://{host}:{port}/")


def serve(
    release_dir: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the release in ``release_dir`` (API and dashboard) until Ctrl+C.

    Args:
        release_dir: a release folder.
        host: address to listen on (127.0.0.1: this machine only).
        port: port to listen on (0: any free one).
        on_ready: called with the dashboard's URL once the server listens.

    Raises:
        NoRelease: ``release_dir`` is not a release folder.
    """
    app = create_app(release_dir)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    _Server(config, on_ready).run()
