"""Identification: each service's lists of people who meet its rule set, made in the background
on demand or on a schedule, with who is new, continuing or dropped since the last list."""
