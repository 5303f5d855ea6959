"""Evaluation: did the service change what its clients used, against a fair comparison.

DESIGN §7; ``docs/evaluation.md`` explains the method and the output.
"""
