"""The built-in checks, one kind per module; importing this package registers them."""

from ciudadana.quality.checks import (  # noqa: F401 (registration)
    completeness,
    consistency,
    cross_counts,
    duplicates,
    ingest_findings,
    names,
    persons,
    raw_cells,
    references,
    territory_months,
    timeliness,
)
