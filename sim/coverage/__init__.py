"""Coverage: measuring which states, transitions and rules runs exercised (``measure``), and
generating scenarios that cover them all (``search`` finds shortest paths, ``generate``
writes them). This room may import ``sim.scenarios`` and everything below it.
"""
