"""hiu.web: the Django application (casework, lists, reports, administration, audit)."""
