"""Outcome measures in the casework record: PROMs, goal ratings and the service's PREM."""
