"""Benchmark: generated sets, variants, metrics and the report."""
