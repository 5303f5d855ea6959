"""``hiu synth``: make a synthetic population, its activity extracts and the ground truth."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from hiu.synth.crisis import CrisisSpec, simulate_crisis, write_crisis
from hiu.synth.nhs_number import CAPACITY
from hiu.synth.simulate import MAX_YEARS, SynthSpec, default_jobs, synthesise


class Mechanism(StrEnum):
    """How the population is generated (docs/synth.md)."""

    HIU = "hiu"
    CRISIS = "crisis"


def ending_last_month(years: int, today: date | None = None) -> date:
    """The start of a period of ``years`` that ends with the last complete month before
    ``today``: the demo's activity then looks like a service's this week, not years ago."""
    this_month = (today or date.today()).replace(day=1)
    return this_month.replace(year=this_month.year - years)


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date; write it as YYYY-MM-DD, for example 2024-04-01"
        ) from None


def synth_command(
    adults: Annotated[
        int,
        typer.Option(
            min=1,
            max=CAPACITY,
            help="Adults (18+) alive at the start date.",
            show_default=False,
        ),
    ],
    years: Annotated[
        int,
        typer.Option(min=1, max=MAX_YEARS, help="Years of activity to simulate."),
    ],
    seed: Annotated[
        int,
        typer.Option(min=0, help="Random seed: the same seed gives byte-identical files."),
    ],
    out: Annotated[
        Path,
        typer.Option(
            file_okay=False,
            dir_okay=True,
            writable=True,
            help="Folder to write the extracts into (created if missing).",
            show_default=False,
        ),
    ],
    start: Annotated[
        date | None,
        typer.Option(
            parser=_parse_date,
            metavar="YYYY-MM-DD",
            help=(
                "First day of the simulated period (default: the period ends with the last "
                "complete month before today, as a live service's latest extracts do)."
            ),
            show_default=False,
        ),
    ] = None,
    true_effect: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help=(
                "Fraction of each activity the service removes for the people it engages, "
                "after their engaged date (0.2 = 20% fewer A&E attendances, and so on)."
            ),
        ),
    ] = 0.25,
    list_size: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="People the service lists each quarter (default: 50 per 300,000 adults).",
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option(
            min=0,
            help=(
                "Worker processes (0: one per core, up to 8). The files do not depend on it. "
                "Ignored by --mechanism crisis, which runs in one process."
            ),
        ),
    ] = 0,
    mechanism: Annotated[
        Mechanism,
        typer.Option(
            case_sensitive=False,
            help=(
                "hiu: episodic crises over a frailty, engagement on what the list shows. "
                "crisis: a persistent level plus transient crises, engagement far likelier "
                "while still in crisis, waits crossing list dates (a second, independent "
                "generator for checking the evaluation)."
            ),
        ),
    ] = Mechanism.HIU,
) -> None:
    """Simulate adults' urgent care activity and an HIU service, with a known effect.

    Writes into OUT:
    people.csv, ed_attendances.csv, ambulance_incidents.csv, nhs111_calls.csv, admissions.csv;
    cohort.csv: who the simulated service engaged, and when;
    truth.json: how it picked them, and the true effect.
    --mechanism crisis uses a second generator, written apart from the first, to check the
    evaluation on (docs/synth.md). No real person's data is used.
    """
    if start is None:
        start = ending_last_month(years)
    if mechanism is Mechanism.CRISIS:
        _synth_crisis(
            CrisisSpec(
                adults=adults,
                years=years,
                start=start,
                seed=seed,
                true_effect=true_effect,
                list_size=list_size,
            ),
            out,
        )
        return
    spec = SynthSpec(
        adults=adults,
        years=years,
        start=start,
        seed=seed,
        true_effect=true_effect,
        list_size=list_size,
    )
    problems = spec.problems()
    if problems:
        raise typer.BadParameter("; ".join(problems))
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("chunks"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done)

        truth = synthesise(spec, out, jobs=jobs or default_jobs(), progress=progress)
    _say_written(console, f"Wrote {out}:", truth)


def _say_written(console: Console, heading: str, truth: dict[str, Any]) -> None:
    """The files written, their rows, and what the simulated service did."""
    console.print(heading)
    for name, written in truth["files"].items():
        rows = written["rows"]
        console.print(f"  {name:<24} {rows:>12,} {'row' if rows == 1 else 'rows'}")
    totals = truth["service"]["totals"]
    console.print(
        f"The simulated service identified {totals['identified_people']:,} people "
        f"and engaged {totals['engaged']:,}; truth.json has the details."
    )


def _synth_crisis(spec: CrisisSpec, out: Path) -> None:
    """``--mechanism crisis``: simulate in memory, write the same files, say what was written."""
    problems = spec.problems()
    if problems:
        raise typer.BadParameter("; ".join(problems))
    console = Console(stderr=True)
    with console.status("Simulating (crisis mechanism)"):
        population = simulate_crisis(spec)
        write_crisis(population, out)
    _say_written(console, f"Wrote {out} (crisis mechanism):", population.truth)
