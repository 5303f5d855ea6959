"""The contact log: attempts and contacts by channel, the three-attempts letters, lone working."""
