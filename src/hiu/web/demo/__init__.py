"""The demo service and the factories it is built from: not production code.

``manage demo`` (and so ``make demo``) builds a demo service with staff in every role and a
lived-in caseload from a synthetic population (hiu.web.demo.build); the tests build their
records with the same small functions (hiu.web.demo.factories). The demo imports the production
apps; no production app imports the demo (an import-linter contract in pyproject.toml).
"""
