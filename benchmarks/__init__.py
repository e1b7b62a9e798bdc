"""Benchmarks over ../shared/data, run with `make bench`; never part of the test suite."""
