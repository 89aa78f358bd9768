"""The ``devicesim`` command: ``commands`` (one small function per subcommand, each a library
call), ``render`` (tables and explanations for terminals) and ``report`` (scenario runs as
progress, JSON and JUnit XML). The top of the house: this room may import every other room
except ``sim.testing``.
"""

from sim.cli.commands import main

__all__ = ["main"]
