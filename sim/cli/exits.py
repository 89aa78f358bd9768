"""The exit codes of every ``devicesim`` command: one set, as the README's table documents.

They follow pytest, which CI users already script against: 1 when something checked failed,
2 for a usage error or input that cannot be read (it wins when both happen), 5 when nothing
was selected or found to run.
"""

#: Done: every scenario passed, the replay finished, the files were written.
EXIT_OK = 0
#: Something checked failed: a scenario, a ``--strict`` replay, a path ``cover`` cannot reach.
EXIT_FAILED = 1
#: A usage error or invalid input (a bad option, a scenario file with errors, a missing file).
EXIT_USAGE = 2
#: Nothing to do: no scenario file found, or ``-k`` deselected them all.
EXIT_NOTHING = 5
#: Stopped with Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130
