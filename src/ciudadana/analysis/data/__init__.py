"""Data shipped with the analysis (WHO World Standard Population); origin in SOURCES.md."""
