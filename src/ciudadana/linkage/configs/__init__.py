"""The shipped linkage settings, one versioned YAML file per kind: ``persons.yaml`` and
``events.yaml`` (a package so that they travel as package data)."""
