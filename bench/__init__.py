"""Benchmarks of the generated client and of the generator (``make bench``; see README.md)."""
