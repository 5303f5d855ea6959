"""The phases of an episode of support and the moves between them (DESIGN §3).

The state machine is written out here, once, as data: ``TRANSITIONS`` says which phase may
follow which. A service's pathway (``Pathway``) may switch the holding phase off (a
time-limited service steps clients down straight after support); it cannot invent moves that
are not in this table, so every report reads phases the same way.

"Discharge" is never a word the client hears (001 §4): the phase is "stepped down".
"""

from __future__ import annotations

from django.db import models


class Phase(models.TextChoices):
    SCREENING = "screening", "Screening"
    CONTACTING = "contacting", "Contacting"
    ENGAGED = "engaged", "Engaged"
    HOLDING = "holding", "Holding"
    STEPPED_DOWN = "stepped_down", "Stepped down"
    CLOSED = "closed", "Closed"


class Complexity(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class WayIn(models.TextChoices):
    IDENTIFIED = "identified", "Identified from activity data"
    REFERRED = "referred", "Referred"
    RELAPSE = "relapse", "Re-opened after a relapse"


# Phases in which the client is on someone's active caseload.
ACTIVE = frozenset({Phase.SCREENING, Phase.CONTACTING, Phase.ENGAGED, Phase.HOLDING})
# Phases after which the episode is over for casework but may still have follow-ups due.
AFTER_SUPPORT = frozenset({Phase.STEPPED_DOWN, Phase.CLOSED})

TRANSITIONS: dict[Phase, frozenset[Phase]] = {
    # Accepted at screening, or declined (closed with the reason).
    Phase.SCREENING: frozenset({Phase.CONTACTING, Phase.CLOSED}),
    # Reached and engaged; or no answer after the attempts (holding watches their activity, or
    # the episode closes with the letters sent); or they say no.
    Phase.CONTACTING: frozenset({Phase.ENGAGED, Phase.HOLDING, Phase.CLOSED}),
    # Support finishes into holding, or (with no holding phase) straight to stepped down.
    Phase.ENGAGED: frozenset({Phase.HOLDING, Phase.STEPPED_DOWN, Phase.CLOSED}),
    # Activity did not fall, or they called: back to engaged. Twelve quiet weeks: stepped down.
    Phase.HOLDING: frozenset({Phase.ENGAGED, Phase.STEPPED_DOWN, Phase.CLOSED}),
    # Follow-ups done (or the client died, moved away): closed. A relapse opens a new episode.
    Phase.STEPPED_DOWN: frozenset({Phase.CLOSED}),
    Phase.CLOSED: frozenset(),
}


def allowed_moves(phase: Phase, *, holding: bool = True) -> list[Phase]:
    """The phases an episode in ``phase`` may move to, in pathway order."""
    moves = TRANSITIONS[phase]
    if not holding:
        moves = moves - {Phase.HOLDING}
    return [p for p in Phase if p in moves]
