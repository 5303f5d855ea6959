"""Errors the importer raises. Their messages are shown to users and written to logs, so they
name files, columns and row numbers, never a value from a row."""

from __future__ import annotations


class UnreadableFile(Exception):
    """The file cannot be read at all: nothing from it is imported (``hiu import`` exits 2)."""


class ProfileError(Exception):
    """A mapping profile is malformed; the message names the profile file and the key."""
