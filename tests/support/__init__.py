"""Helpers the tests import: the fake Bolt API, the twin clients, payload builders, paths.

Fixtures stay in the conftest files; everything a test imports lives here, in plain modules.
"""
