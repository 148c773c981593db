"""The common language: ICCS offences, territories, population groups, identity numbers."""
