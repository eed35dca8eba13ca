"""Benchmarks for issue 5: completion overhead, API calls, cold start, asset size, synth cost.

    make bench            (or: PYTHONPATH=lambda .venv/bin/python -m bench)

Prints one table per measurement and writes everything to bench/results/ as JSON.
"""
