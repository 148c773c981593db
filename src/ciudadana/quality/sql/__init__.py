"""SQL of the quality checks, one file per statement group (read with ``Context.script``)."""
