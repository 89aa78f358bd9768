"""Scenario files: their model, reading them with positions, running them, the JSON Schema,
and the pytest plugin that collects them.

``load`` reads a file (``reader`` for typed, positioned values; ``setup``, ``steps`` and
``expectations`` for its sections) into the plain ``model``; ``runner`` drives a fleet through
it; ``suite`` collects and selects files. This room may import ``sim.io``, ``sim.engine``,
``sim.events``, ``sim.errors`` and ``statemachines``.
"""
