"""The version of dagster-paradime-bolt: always the paradime-bolt version it pins."""

__version__ = "0.1.0"
