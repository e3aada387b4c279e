"""Benchmarks of paradime-bolt: `make bench` runs them and writes BENCHMARKS.md."""
