"""Benchmarks: `make bench` runs bench.flow_turns."""
