"""Example policies shipped with Ciudadana (YAML), for ``ciudadana monitor``."""
