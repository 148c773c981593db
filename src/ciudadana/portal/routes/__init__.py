"""A router per resource: the release, indicators, observations, territories, downloads, and
the dashboard's page."""

from ciudadana.portal.routes import (
    dashboard,
    downloads,
    indicators,
    observations,
    release,
    territories,
)

ROUTERS = [
    release.router,
    indicators.router,
    observations.router,
    territories.router,
    downloads.router,
    dashboard.router,
]

__all__ = ["ROUTERS"]
