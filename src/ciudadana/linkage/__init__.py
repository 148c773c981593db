"""Record linkage and reconciliation across sources (Splink): persons and events.

The front door is :func:`link_workspace` (``ciudadana link``): it links the victims of each
event across sources and every person across sources and roles, keeps identifiers stable,
honours clerical decisions and writes the restricted registry in one transaction. Around it:
:func:`person_history` (``ciudadana person``), :func:`export_review` and
:func:`import_decisions` (``ciudadana link-review``), :func:`estimate_unrecorded`
(``ciudadana mse``). See ``docs/linkage.md``.
"""

from ciudadana.linkage.history import person_history
from ciudadana.linkage.mse_run import estimate_unrecorded
from ciudadana.linkage.review import export_review, import_decisions
from ciudadana.linkage.run import LinkReport, link_workspace
from ciudadana.linkage.settings import InvalidSettings, load_settings

__all__ = [
    "InvalidSettings",
    "LinkReport",
    "estimate_unrecorded",
    "export_review",
    "import_decisions",
    "link_workspace",
    "load_settings",
    "person_history",
]
