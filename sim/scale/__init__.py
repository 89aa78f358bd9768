"""Replaying past one process: event archives read and replayed as partitions on a Dask
cluster (``devicesim replay --dask``), merged into what one process gives.

Dask is an optional extra (``pip install 'emnify-devicesim[dask]'``): nothing outside this
room imports it, and this room is imported only when a command asks for it.
This room may import ``sim.io``, ``sim.engine``, ``sim.events``, ``sim.errors`` and
``statemachines``.
"""
