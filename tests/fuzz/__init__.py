"""Differential fuzzing of jitflow against NumPy: generated programs run both ways.

``generator.generate(seed)`` writes a small NumPy function (and the arguments it is called
with) as Python source; ``runner.check(program)`` runs it plainly and under
``jitflow.function`` and names the first difference. ``python -m tests.fuzz --seeds A:B``
runs a range of seeds and prints a summary; ``tests/test_fuzz.py`` runs a fixed range in CI.
"""
