"""Evaluation: did the service change what its clients used, against a fair comparison (DESIGN §7)."""
