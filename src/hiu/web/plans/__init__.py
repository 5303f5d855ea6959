"""Consent, assessment, the action plan and its goals, crisis and ED plans, the HIU alert."""
