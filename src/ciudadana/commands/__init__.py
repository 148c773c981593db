"""The verbs of ``ciudadana``, a module per group; ``ciudadana.cli`` assembles them."""
