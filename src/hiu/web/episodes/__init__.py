"""Episodes of support: one per period a client is supported, with its phases and what follows."""
