"""Ciudadana: an open citizen-security information system.

The package is laid out as the information chain: ``standards`` (the common language),
``ingest`` (source exports into the warehouse), ``warehouse`` (the only writer of the DuckDB
store) and ``demo`` (a synthetic country with ground truth). ``cli`` holds the ``ciudadana``
command.
"""

__version__ = "0.1.0"
