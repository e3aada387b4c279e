"""`python -m dagster_paradime_bolt fetch-manifest ...`: the same as the console script."""

import sys

from .cli import main

sys.exit(main())
