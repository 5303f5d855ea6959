"""Synthetic population simulator: ``hiu synth``.

No real patient data ever enters this project. This package makes adults, their A&E
attendances, ambulance incidents, NHS 111 calls and hospital admissions in the canonical extract
formats (DESIGN.md §5), plus a simulated HIU service with a known true effect, so that import,
identification and evaluation can be tested against the truth.

Where things are:

- ``parameters``: every number of the model and the published figures it reproduces;
- ``population``: people, areas, deaths; ``names``, ``nhs_number``, ``codes``: what goes in
  the fields;
- ``activity``: the continuous-time model of use, crisis episodes and linked events;
- ``service``: identification, engagement and the effect (thinning);
- ``records``, ``writer``: rows and CSV files; ``truth``: the layout of ``truth.json``;
- ``simulate``: chunking, the two passes, worker processes; ``cli``: the command.
"""
