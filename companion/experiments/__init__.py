"""Moved to :mod:`companion.measurements` (grouped by lesson); the modules here are shims kept so the
commands recorded in results/ still run."""
