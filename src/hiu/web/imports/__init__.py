"""Imports: data coordinators upload activity extracts; a background task loads them."""
