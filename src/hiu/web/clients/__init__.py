"""Clients: the people an HIU service supports. Casework (episodes, contacts, plans) builds here."""
