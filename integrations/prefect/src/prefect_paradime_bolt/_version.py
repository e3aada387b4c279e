"""The version of prefect-paradime-bolt: always the paradime-bolt version it pins."""

__version__ = "0.1.0"
