"""Accounts: sign-in, roles (as Django groups), each role's home page."""
