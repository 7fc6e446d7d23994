"""Benchmark for the PDF build: see bench/run.py and docs/performance.md."""
