"""The engine: device state, the views of it, rules, the step and its memo, the fleet.

Pure: no files, no terminal, no network. ``state`` and ``vocabulary`` name what a device is;
``views`` compute what a person sees; ``rules`` restore what must hold; ``step`` applies one
event kind to one device (asking ``machines``, built from the tables), ``memo`` remembers
steps, ``packing`` packs devices and memo keys into integers; ``fleet`` composes the store,
the timers, the organisation events and the ledger. This room may import ``sim.events``,
``sim.errors`` and ``statemachines``.
"""
