"""Reading, mapping and validating activity extracts, and importing them into the store."""
