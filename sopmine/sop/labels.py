"""Comparable labels: how an export's activity or role text is matched to a model's names."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sopmine.sop.model import SopModel

__all__ = ["normalize_label", "step_roles"]

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def normalize_label(label: str) -> str:
    """The comparable form of a label: lower case, words separated by one space.

    >>> normalize_label("  Verifikasi  Berkas (FO) ")
    'verifikasi berkas fo'
    """
    return _NOT_WORD.sub(" ", label.casefold()).strip()


def step_roles(model: SopModel) -> dict[str, frozenset[str]]:
    """Per step, the normalised names of the roles that may perform it.

    Its actor and co-actors, under their ids, names and aliases: a role outside this set is
    the wrong actor for the step.

    >>> from sopmine import load_sop
    >>> "kepala dinas" in step_roles(load_sop("karimun_sicantik"))["tte_kadis"]
    True
    """
    return {
        step.id: frozenset(
            normalize_label(name)
            for actor_id in (step.actor, *step.co_actors)
            for name in model.actor(actor_id).names()
        )
        for step in model.steps
    }
