"""``python -m paradime_bolt_emulator``: the same as the ``paradime-bolt-emulator`` command."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
