"""Interventions from the service's catalogue, their sessions, and signposting and referrals out."""
