"""What an evaluation says about itself: per-client facts and the warnings a reader needs.

A commissioner may decide a service's future on the matched estimate, so the output says when
it should not be relied on (issue 16, DESIGN §7): clients not on the list assumed for them,
waits that crossed a later list date, imbalance after matching, too many clients matched only
after relaxing an exact match, clients with no control. Clients are named by their row in the
cohort file (the pseudonym only the holder of that file can resolve), never by NHS number, so
the evaluation can be shared.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from hiu.evaluate.wording import VARIABLE_LABELS

#: A standardised mean difference above this, either way, marks imbalance (Austin 2009).
SMD_LIMIT = 0.1
#: Fewer than this share of clients matched without relaxing an exact match is warned about.
SHARE_LIMIT = 0.9
#: Warnings that make the matched estimate unreliable: a report does not judge a target on it.
#: Relaxation is warned about but no longer fails on its own (ADR 0015): what it risks is a
#: difference on the relaxed variable (sex, the 28-day activity, the list's count), and the
#: balance check after calibration measures exactly that. Over 40 simulated ``hiu`` services
#: 84-94% of clients matched without relaxation and the estimate was unbiased.
FAILING = ("imbalance",)


def client_rows(
    members: pl.DataFrame, rows: list[int], pairs: pl.DataFrame, relaxed_from: int
) -> list[dict[str, Any]]:
    """One entry per cohort member (``members`` in cohort order with ``member_id``,
    ``engaged_date``, ``identified_date``, ``identified_from``, ``on_list``,
    ``later_lists``); ``rows`` the members' rows in the cohort file."""
    sets = pairs.group_by("case_id").agg(
        pl.col("level").first().alias("level"), pl.len().alias("controls")
    )
    found = {row["case_id"]: row for row in sets.iter_rows(named=True)}
    out = []
    for member, row in zip(members.iter_rows(named=True), rows, strict=True):
        matched = found.get(member["member_id"])
        level = int(matched["level"]) if matched else None
        out.append(
            {
                "row": row,
                "engaged_date": member["engaged_date"].isoformat(),
                "identified_date": member["identified_date"].isoformat(),
                "identified_from": member["identified_from"],
                "on_list": bool(member["on_list"]),
                "wait_days": (member["engaged_date"] - member["identified_date"]).days,
                "later_lists": int(member["later_lists"]),
                "matching_level": level,
                "relaxed": None if level is None else level >= relaxed_from,
                "controls": int(matched["controls"]) if matched else 0,
            }
        )
    return out


def diagnostics(clients: list[dict[str, Any]], balance: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``diagnostics`` section: shares, the largest imbalance and the warnings."""
    warnings: list[dict[str, Any]] = []
    total = len(clients)

    def rows(test: Any) -> list[int]:
        return [client["row"] for client in clients if test(client)]

    not_on_list = rows(lambda c: not c["on_list"])
    if not_on_list:
        warnings.append(
            {
                "code": "not_on_list",
                "message": (
                    f"{_people(len(not_on_list))} not on the rule set's list made on the "
                    "identification date used for them (a referral, or a list made another "
                    "way): they are matched on a count that may not be the one that brought "
                    "them to the service. Give identified_date in the cohort file to settle it."
                ),
                "rows": not_on_list,
            }
        )
    crossed = rows(lambda c: c["later_lists"] > 0)
    if crossed:
        warnings.append(
            {
                "code": "wait_crosses_list",
                "message": (
                    f"{_people(len(crossed))} engaged after a later list had been made: their "
                    "wait between identification and engagement crossed a list date, so the "
                    "identification date matters. It was taken from the cohort file or from "
                    "the lists that name them; check it."
                ),
                "rows": crossed,
            }
        )
    values = [abs(row["smd_after"]) for row in balance if row.get("smd_after") is not None]
    largest = max(values, default=None)
    imbalanced = [
        VARIABLE_LABELS.get(row["variable"], row["variable"])
        for row in balance
        if row.get("smd_after") is not None and abs(row["smd_after"]) > SMD_LIMIT
    ]
    if imbalanced:
        warnings.append(
            {
                "code": "imbalance",
                "message": (
                    "After matching, the clients and their controls still differ by more than "
                    f"{SMD_LIMIT} standard deviations on: {'; '.join(imbalanced)}. The matched "
                    "estimate may carry that difference."
                ),
                "rows": [],
            }
        )
    relaxed = rows(lambda c: c["relaxed"] is True)
    unmatched = rows(lambda c: c["matching_level"] is None)
    without = total - len(relaxed) - len(unmatched)
    share = without / total if total else None
    if share is not None and share < SHARE_LIMIT:
        warnings.append(
            {
                "code": "relaxed_matching",
                "message": (
                    f"Only {without} of {total} clients ({share:.0%}) found controls without "
                    f"relaxing an exact match (fewer than {SHARE_LIMIT:.0%}): the others' "
                    "controls may differ in sex, in whether they attended in the 28 days "
                    "before, or by up to 10% in the count that put them on the list. The "
                    "balance check shows whether that left a difference."
                ),
                "rows": relaxed,
            }
        )
    if unmatched:
        warnings.append(
            {
                "code": "unmatched",
                "message": (
                    f"{_people_found(len(unmatched))} no control at all: left out of the "
                    "matched comparison."
                ),
                "rows": unmatched,
            }
        )
    failing = [warning["code"] for warning in warnings if warning["code"] in FAILING]
    return {
        "ok": not failing,
        "failing": failing,
        "matched_share_without_relaxation": None if share is None else round(share, 4),
        "max_smd_after": None if largest is None else round(largest, 4),
        "smd_limit": SMD_LIMIT,
        "share_limit": SHARE_LIMIT,
        "warnings": warnings,
    }


def _people_found(count: int) -> str:
    return "1 client found" if count == 1 else f"{count} clients found"


def _people(count: int) -> str:
    return "1 client was" if count == 1 else f"{count} clients were"
