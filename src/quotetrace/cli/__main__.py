"""``python -m quotetrace.cli``: the same as the ``quotetrace`` command."""

import sys

from quotetrace.cli import main

sys.exit(main())
