"""Tests of dagster-paradime-bolt, run from this folder (`make pytest-dagster`)."""
