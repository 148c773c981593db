"""Disclosure control and the open-data release: what may leave the institution, and how."""
