"""Scenario files: their model, reading, running and reporting."""
