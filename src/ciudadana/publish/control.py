"""Disclosure control of a release: which cells are published, which withheld and why.

Every table (indicator x year, ``cells.Table``) is protected on its own: cells with a count of
1 to ``threshold - 1`` are withheld (primary, SDMX ``CONF_STATUS`` ``A``), then enough other
cells (secondary, ``D``) that no withheld count can be recovered, or narrowed to a range of
fewer than ``protection`` values, from what is published and the table's sums
(``suppression.protect``). For shares of two counts the denominator is a count of people too
and is protected the same way.

Against the previous release the attacker has both: its published cells and the new ones,
and may guess which cells did not change. So the previous table joins the new one in a single
system: a cell whose true count did not change is one shared unknown, cells published before
cannot be taken back (locked), cells withheld before stay withheld (forced), and the earlier
small counts must stay protected too.

Example:
    >>> STATUS_FREE, STATUS_PRIMARY, STATUS_SECONDARY
    ('F', 'A', 'D')
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Hashable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ciudadana
from ciudadana.errors import CiudadanaError
from ciudadana.i18n import _
from ciudadana.publish.cells import CellKey, Table
from ciudadana.publish.control_worker import read_frame, write_frame
from ciudadana.publish.suppression import (
    LinearTable,
    audit,
    primary_suppression,
    protect,
)

STATUS_FREE = "F"
STATUS_PRIMARY = "A"
STATUS_SECONDARY = "D"

TableId = tuple[str, int]
Node = tuple[str, Hashable]  # ("n", key) new, ("p", key) previous, ("s", key) shared


@dataclass
class ControlReport:
    """What disclosure control did to every cell, with totals for the manifest."""

    status: dict[TableId, dict[CellKey, str]] = field(default_factory=dict)
    primary: int = 0
    secondary: int = 0
    published: int = 0
    #: Earlier small counts that an earlier release already published (a higher threshold now).
    already_public: int = 0

    def summary(self) -> dict[str, int]:
        return {
            "cells": self.primary + self.secondary + self.published,
            "published": self.published,
            "primary": self.primary,
            "secondary": self.secondary,
            "already_public": self.already_public,
        }


def _linear(values: dict[Node, int], equations: list[tuple[Node, tuple[Node, ...]]]) -> LinearTable:
    return LinearTable(values=values, equations=equations)


def _den_equations(
    table: Table, equations: list[tuple[CellKey, tuple[CellKey, ...]]]
) -> tuple[dict[CellKey, int], list[tuple[CellKey, tuple[CellKey, ...]]]]:
    """Counts and equations of a share's denominator (remainders recomputed for it)."""
    den = {
        k: int(r["denominator"]) for k, r in table.rows.items() if r.get("denominator") is not None
    }
    out = []
    for total, parts in equations:
        if total not in den:
            continue
        listed = [p for p in parts if p in table.rows]
        if any(p not in den for p in listed):
            continue
        gap = den[total] - sum(den[p] for p in listed)
        rest = [p for p in parts if p not in table.rows]
        if gap < 0 or (gap > 0 and not rest):
            continue
        if rest:
            den[rest[0]] = gap
        out.append((total, tuple(listed + rest[:1])))
    return den, out


def _system(
    new: Table, old: Table | None, old_status: dict[CellKey, str], column: str, threshold: int
) -> tuple[dict[Node, int], list, set[Node], set[Node], set[Node], dict[Node, CellKey]]:
    """One linear system of the new table and, if any, the previous one.

    Returns values, equations, locked, forced, earlier small counts and node -> new key.
    """
    if column == "numerator":
        new_values, new_eq = new.counts(), list(new.equations)
    else:
        new_values, new_eq = _den_equations(new, new.equations)
    locked_keys = set(new.remainders)
    if old is None:
        node = {k: ("n", k) for k in new_values}
        values = {node[k]: v for k, v in new_values.items()}
        eqs = [(node[t], tuple(node[p] for p in ps)) for t, ps in new_eq]
        locked = {node[k] for k in locked_keys if k in node}
        return values, eqs, locked, set(), set(), {v: k for k, v in node.items()}
    if column == "numerator":
        old_values, old_eq = old.counts(), list(old.equations)
    else:
        old_values, old_eq = _den_equations(old, old.equations)
    new_node: dict[CellKey, Node] = {}
    old_node: dict[CellKey, Node] = {}
    for k, v in new_values.items():
        same = k in old_values and old_values[k] == v and k not in new.remainders
        new_node[k] = ("s", k) if same else ("n", k)
    for k in old_values:
        shared = new_node.get(k) == ("s", k)
        old_node[k] = ("s", k) if shared else ("p", k)
    values = {new_node[k]: v for k, v in new_values.items()}
    values.update({old_node[k]: v for k, v in old_values.items()})
    eqs = [(new_node[t], tuple(new_node[p] for p in ps)) for t, ps in new_eq]
    eqs += [(old_node[t], tuple(old_node[p] for p in ps)) for t, ps in old_eq]
    locked = {new_node[k] for k in locked_keys if k in new_node}
    locked |= {old_node[k] for k in old.remainders if k in old_node}
    forced: set[Node] = set()
    earlier: set[Node] = set()
    for k, status in old_status.items():
        if k not in old_node:
            continue
        if status == STATUS_FREE:
            locked.add(old_node[k])
        else:
            forced.add(old_node[k])
        if status == STATUS_PRIMARY and 0 < old_values.get(k, 0) < threshold:
            earlier.add(old_node[k])  # small in this column (a share's A may be its other one)
    back = {v: k for k, v in new_node.items()}
    return values, eqs, locked, forced, earlier, back


def _protect_column(
    new: Table,
    old: Table | None,
    old_status: dict[CellKey, str],
    column: str,
    threshold: int,
    protection: float,
    already: Iterable[CellKey],
    report: ControlReport,
) -> tuple[set[CellKey], set[CellKey]]:
    values, eqs, locked, forced, earlier, back = _system(new, old, old_status, column, threshold)
    published = {k: v for k, v in values.items() if k[1] in new.rows and k[0] != "p"}
    primary = {n for n in primary_suppression(published, threshold)}
    primary |= earlier
    stuck = primary & locked
    if stuck:
        # Published by an earlier release already (the threshold was lower then).
        report.already_public += len(stuck)
        primary -= stuck
    carried = set(already)
    forced |= {n for n, k in back.items() if k in carried}
    forced -= locked
    if not primary and not forced:
        return set(), set()
    result = protect(
        _linear(values, eqs),
        sorted(primary, key=repr),
        protection=protection,
        locked=sorted(locked, key=repr),
        forced=sorted(forced, key=repr),
    )
    first = {back[n] for n in result.primary if n in back}
    withheld = {back[n] for n in result.suppressed if n in back}
    return first, withheld


def control(
    tables: list[Table],
    *,
    threshold: int,
    protection: float,
    shares: set[str],
    previous: dict[TableId, tuple[Table, dict[CellKey, str]]] | None = None,
) -> ControlReport:
    """Primary and secondary suppression of every table, against the previous release too.

    Args:
        tables: this release's tables.
        threshold: counts from 1 to ``threshold - 1`` are withheld.
        protection: the narrowest range of values a withheld count may be pinned to.
        shares: indicators whose denominator is a count of people (protected as well).
        previous: the previous release's tables and their cells' status, by table.
    """
    report = ControlReport()
    jobs = [
        (table, *(previous or {}).get((table.indicator, table.year), (None, {})))
        for table in tables
    ]
    # Tables are independent: the largest first, over every core (one process each).
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][0].rows))
    args = [(*jobs[i], threshold, protection, jobs[i][0].indicator in shares) for i in order]
    workers = min(os.cpu_count() or 1, len(args))
    if workers > 1 and sum(len(j[0].rows) for j in jobs) > 2_000:
        results = _in_workers(args, workers)
    else:
        results = [_control_one(*a) for a in args]
    for i, (status, already) in zip(order, results, strict=True):
        table = jobs[i][0]
        report.status[(table.indicator, table.year)] = status
        report.already_public += already
        report.primary += sum(s == STATUS_PRIMARY for s in status.values())
        report.secondary += sum(s == STATUS_SECONDARY for s in status.values())
        report.published += sum(s == STATUS_FREE for s in status.values())
    return report


def _in_workers(args: list[tuple[Any, ...]], workers: int) -> list[tuple[dict[CellKey, str], int]]:
    """``_control_one`` over every job, in ``workers`` fresh interpreters (``control_worker``).

    Each worker takes the next job as soon as it is free (the jobs come largest first); results
    come back in the jobs' order.
    """
    env = dict(os.environ)
    package_root = str(Path(ciudadana.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", "ciudadana.publish.control_worker"]
    queue = iter(range(len(args)))
    lock = threading.Lock()
    results: dict[int, tuple[dict[CellKey, str], int]] = {}

    def work() -> None:
        # Its messages go to a file: a full stderr pipe nobody reads would block the worker.
        with (
            tempfile.TemporaryFile() as messages,
            subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=messages, env=env
            ) as child,
        ):
            assert child.stdin and child.stdout
            try:
                while True:
                    with lock:
                        i = next(queue, None)
                    if i is None:
                        break
                    write_frame(child.stdin, args[i])
                    results[i] = read_frame(child.stdout)
                write_frame(child.stdin, None)
            except (BrokenPipeError, EOFError) as exc:
                child.kill()
                child.wait()
                messages.seek(0)
                raise CiudadanaError(
                    _(
                        "El control de divulgación falló en un proceso auxiliar (código "
                        "{code}):\n{output}"
                    ).format(
                        code=child.returncode,
                        output=messages.read().decode(errors="replace")[-2000:],
                    )
                ) from exc

    with ThreadPoolExecutor(workers) as pool:
        for done in [pool.submit(work) for _ in range(workers)]:
            done.result()
    return [results[i] for i in range(len(args))]


def _control_one(
    table: Table,
    old: Table | None,
    old_status: dict[CellKey, str],
    threshold: int,
    protection: float,
    share: bool,
) -> tuple[dict[CellKey, str], int]:
    """One table's status per cell, and how many earlier small counts were already public."""
    tally = ControlReport()
    first, withheld = _protect_column(
        table, old, old_status, "numerator", threshold, protection, (), tally
    )
    if share:
        den_first, withheld = _protect_column(
            table, old, old_status, "denominator", threshold, protection, withheld, tally
        )
        first |= den_first
        _check(table, old, old_status, withheld, threshold, protection)
    status = {}
    for key in table.rows:
        if key in first:
            status[key] = STATUS_PRIMARY
        elif key in withheld:
            status[key] = STATUS_SECONDARY
        else:
            status[key] = STATUS_FREE
    return status, tally.already_public


def _check(
    table: Table,
    old: Table | None,
    old_status: dict[CellKey, str],
    withheld: set[CellKey],
    threshold: int,
    protection: float,
) -> None:
    """The numerator stays protected under the pattern the denominator added to."""
    values, eqs, locked, forced, earlier, back = _system(
        table, old, old_status, "numerator", threshold
    )
    published = {k: v for k, v in values.items() if k[1] in table.rows and k[0] != "p"}
    sensitive = (set(primary_suppression(published, threshold)) | earlier) - locked
    suppressed = {n for n, k in back.items() if k in withheld} | forced
    result = audit(
        _linear(values, eqs), suppressed, sensitive=sensitive & suppressed, protection=protection
    )
    if not result.ok():
        raise AssertionError(f"{table.indicator} {table.year}: {sorted(result.exposed, key=repr)}")
