"""Record linkage and reconciliation across sources (Splink): persons and events.

The front door is :func:`link_workspace` (``ciudadana link``): it links the victims of each
event across sources and every person across sources and roles, keeps identifiers stable, honours
clerical decisions and writes the restricted registry in one transaction.
"""

from ciudadana.linkage.run import LinkReport, link_workspace
from ciudadana.linkage.settings import InvalidSettings, load_settings

__all__ = ["InvalidSettings", "LinkReport", "link_workspace", "load_settings"]
