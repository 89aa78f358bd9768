"""Input: reading event files (JSON, JSON arrays, JSON Lines, stdin), YAML documents with
positions, initial-state files, and replaying them through the engine (``sim.replay``).

This room may import ``sim.engine``, ``sim.events``, ``sim.errors`` and ``statemachines``.
"""
