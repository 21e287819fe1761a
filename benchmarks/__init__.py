"""Benchmarks of tariffsim against its peers, run with ``python -m benchmarks``.

Timings are medians over repeated runs, and every speed claim is a ratio to
a peer measured in the same run on the same machine. Nothing here is a test:
no timing is ever asserted.
"""
