"""Benchmarks and the load test (run on demand; pytest does not collect this folder)."""
