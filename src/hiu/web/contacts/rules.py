"""The three-attempts rule (000 §2.4.3), written once as a plain function of facts.

The service makes ``N`` attempts to reach a client (three at Hackney; each service sets its own
number in its pathway). When ``N`` attempts in a row have not reached them, a letter goes to
the client and one to their GP. The run of attempts counts the unreached attempts after the
last time the client was reached and after the last no-contact letter, within the open episode.
Letters are not attempts of this run: they are what the run leads to.

The page prompt, the tasks list and the tests all read this function, so they agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ContactFact:
    at: dt.datetime
    reached: bool
    is_letter: bool = False


@dataclass(frozen=True)
class AttemptRun:
    """The unreached attempts that count towards the letters, oldest first."""

    attempts: tuple[dt.datetime, ...]
    needed: int

    @property
    def count(self) -> int:
        return len(self.attempts)

    @property
    def letters_due(self) -> bool:
        return self.needed > 0 and self.count >= self.needed

    @property
    def last_attempt(self) -> dt.datetime | None:
        return self.attempts[-1] if self.attempts else None


def attempt_run(
    contacts: Iterable[ContactFact], letters_at: Iterable[dt.datetime], needed: int
) -> AttemptRun:
    """The run of unreached attempts since the last reached contact and the last no-contact
    letter. ``contacts`` and ``letters_at`` are those of one episode, in any order."""
    facts = [fact for fact in contacts if not fact.is_letter]
    reached = [fact.at for fact in facts if fact.reached]
    since = max([*reached, *letters_at], default=None)
    attempts = sorted(
        fact.at for fact in facts if not fact.reached and (since is None or fact.at > since)
    )
    return AttemptRun(attempts=tuple(attempts), needed=needed)
