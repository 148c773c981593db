"""Clusters from scored pairs, honouring what a person decided in clerical review.

Splink's connected components join every pair above a threshold. A reviewer's "different" must
keep two records apart even when a chain of other pairs would join them, and a reviewer's
"same" must join them whatever the score. :func:`cluster` therefore joins pairs from the most to
the least probable (Kruskal's order) and refuses a join that would put two records a reviewer
separated into one cluster, or (``exclusive``) two incident numbers of one source into one
event. With ``one_to_one`` (two sources, each holding a person once), a
record joins at most one record of the other source: the most probable still free.

Example:
    >>> ids = cluster([1, 2, 3, 4], [(1, 2, 0.99), (2, 3, 0.95), (3, 4, 0.2)], 0.9,
    ...               cannot_link=[(1, 3)])
    >>> ids[1] == ids[2], ids[2] == ids[3], ids[4] == 4
    (True, False, True)
    >>> ids = cluster([1, 2, 3], [(1, 2, 0.99), (1, 3, 0.95)], 0.9,
    ...               exclusive={2: ("mp", "M-1"), 3: ("mp", "M-2")})
    >>> ids[1] == ids[2], ids[1] == ids[3]
    (True, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class _Sets:
    """Union-find over record ids, each set remembering who it may not join and, with
    ``exclusive``, the one key it holds for each group (a source's incident number)."""

    def __init__(self, ids: Iterable[int], exclusive: dict[int, tuple[str, str]] | None) -> None:
        self.parent: dict[int, int] = {i: i for i in ids}
        self.apart: dict[int, set[int]] = {}
        self.keys: dict[int, dict[str, str]] = {}
        for i, (group, key) in (exclusive or {}).items():
            if i in self.parent:
                self.keys[i] = {group: key}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def forbid(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        self.apart.setdefault(ra, set()).add(rb)
        self.apart.setdefault(rb, set()).add(ra)

    def allowed(self, ra: int, rb: int) -> bool:
        if rb in {self.find(x) for x in self.apart.get(ra, ())}:
            return False
        ka, kb = self.keys.get(ra), self.keys.get(rb)
        if ka and kb:
            small, large = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
            return all(large.get(g, k) == k for g, k in small.items())
        return True

    def union(self, ra: int, rb: int) -> None:
        if ra == rb:
            return
        if ra > rb:
            ra, rb = rb, ra
        self.parent[rb] = ra
        merged = self.apart.pop(ra, set()) | self.apart.pop(rb, set())
        if merged:
            self.apart[ra] = merged
        kb = self.keys.pop(rb, None)
        if kb:
            self.keys.setdefault(ra, {}).update(kb)


def cluster(
    ids: Iterable[int],
    pairs: Iterable[tuple[int, int, float]],
    threshold: float,
    *,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    one_to_one: bool = False,
    side: dict[int, str] | None = None,
    exclusive: dict[int, tuple[str, str]] | None = None,
) -> dict[int, int]:
    """Cluster id (the smallest record id in it) of every record.

    Args:
        ids: every record id (singletons included).
        pairs: ``(id_l, id_r, match_probability)``.
        threshold: lowest probability that joins a pair.
        must_link: pairs a reviewer said are the same (joined first, whatever the score).
        cannot_link: pairs a reviewer said are different (never in one cluster).
        one_to_one: each record joins at most one record of another ``side``.
        side: record id -> its source, for ``one_to_one``.
        exclusive: record id -> ``(group, key)``: a cluster never holds two records of one
            group with different keys (two incident numbers of one source are two incidents).
    """
    sets = _Sets(ids, exclusive)
    for a, b in cannot_link:
        if a in sets.parent and b in sets.parent:
            sets.forbid(a, b)
    for a, b in must_link:
        if a in sets.parent and b in sets.parent:
            ra, rb = sets.find(a), sets.find(b)
            if sets.allowed(ra, rb):
                sets.union(ra, rb)
    taken: set[int] = set()
    ordered: Sequence[tuple[int, int, float]] = sorted(
        (p for p in pairs if p[2] >= threshold), key=lambda p: -p[2]
    )
    for a, b, _p in ordered:
        if a not in sets.parent or b not in sets.parent:
            continue
        if one_to_one and side is not None and side.get(a) != side.get(b):
            if a in taken or b in taken:
                continue
            taken.update((a, b))
        ra, rb = sets.find(a), sets.find(b)
        if ra != rb and sets.allowed(ra, rb):
            sets.union(ra, rb)
    return {i: sets.find(i) for i in sets.parent}


def pairwise_scores(predicted: dict[int, int], truth: dict[int, int]) -> dict[str, float | int]:
    """Pairwise precision, recall and F1 of a clustering against true entity ids.

    Only records present in both mappings count. A pair is a true link when both records have
    the same true id; a predicted link when they share a cluster.

    Example:
        >>> pairwise_scores({1: 1, 2: 1, 3: 3}, {1: 7, 2: 7, 3: 7})["recall"]
        0.3333333333333333
    """
    from collections import Counter

    common = [k for k in predicted if k in truth]
    pred = Counter(predicted[k] for k in common)
    true = Counter(truth[k] for k in common)
    both = Counter((predicted[k], truth[k]) for k in common)

    def links(counts: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    tp, p, t = links(both), links(pred), links(true)
    precision = tp / p if p else 1.0
    recall = tp / t if t else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_links": t,
        "predicted_links": p,
        "correct_links": tp,
        "records": len(common),
    }
