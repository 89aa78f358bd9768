"""``python -m sim``: the same as the ``devicesim`` command."""

import sys

from sim.cli.commands import main

sys.exit(main())
