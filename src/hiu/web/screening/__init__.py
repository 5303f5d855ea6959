"""Ways in: screening identified lists (accept or decline, complexity, allocation) and live
referrals with their first-contact clock."""
