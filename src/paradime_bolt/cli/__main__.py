"""`python -m paradime_bolt.cli`: the same as the `paradime-bolt` command."""

from . import main

main()
