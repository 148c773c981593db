"""The public portal: an HTTP API and a dashboard over one release folder, nothing else.

The portal is given a release folder (``ciudadana release`` writes it) and never a path to
the warehouse: it cannot read restricted data because it cannot reach it. It imports only the
release's layout (``ciudadana.publish.layout``) and the common errors.

Example:
    >>> from ciudadana.portal import create_app, serve  # doctest: +SKIP
    >>> app = create_app(Path("ciudadana-demo/publicacion/2020.12.31"))  # doctest: +SKIP
"""

from ciudadana.portal.app import create_app
from ciudadana.portal.server import serve

__all__ = ["create_app", "serve"]
