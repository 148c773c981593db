"""The DuckDB warehouse: its schema, its migrations and the only code that writes it.

Other links read it through :func:`open_reader` (read-only); loads are written by
:meth:`Warehouse.commit_load`, one transaction per load.
"""

from ciudadana.warehouse.store import (
    LoadRecord,
    StagedLoad,
    Warehouse,
    open_reader,
)

__all__ = ["LoadRecord", "StagedLoad", "Warehouse", "open_reader"]
