"""Finding a lab by id among the learner's packs (`handler-basics` or `course/handler-basics`)."""

from __future__ import annotations

from dataclasses import dataclass

from lambdalearn.content.labs import LabSpec
from lambdalearn.content.models import LabFolder, Pack


class LabNotFound(LookupError):
    """No such lab, or the lab is broken; `str()` says which and what to do."""


@dataclass(frozen=True)
class FoundLab:
    pack: Pack
    folder: LabFolder

    @property
    def spec(self) -> LabSpec:
        assert self.folder.spec is not None
        return self.folder.spec


def find_lab(packs: tuple[Pack, ...] | list[Pack], lab_ref: str) -> FoundLab:
    """The lab called `lab_ref` (optionally `pack/lab`); the first pack that has it wins."""
    pack_id, _, lab_id = lab_ref.rpartition("/")
    for pack in packs:
        if pack_id and pack.id != pack_id:
            continue
        for folder in pack.labs:
            if folder.id == lab_id:
                if folder.spec is None:
                    raise LabNotFound(
                        f"lab '{lab_ref}' has problems; run `lambdalearn pack validate {pack.root}` to see them"
                    )
                return FoundLab(pack, folder)
    known = sorted(f"{folder.id}" for pack in packs for folder in pack.labs)
    raise LabNotFound(f"no lab '{lab_ref}'; labs: {', '.join(known) or 'none'}")


def course_order(packs: tuple[Pack, ...] | list[Pack]) -> list[FoundLab]:
    """Every valid lab, pack by pack, in the order of the lessons they belong to."""
    found = []
    for pack in packs:
        order = {lesson.id: lesson.order for lesson in pack.lessons}
        labs = [folder for folder in pack.labs if folder.spec is not None]
        labs.sort(key=lambda folder: (order.get(folder.spec.lesson, 10**6), folder.spec.difficulty != "beginner", folder.id))
        found.extend(FoundLab(pack, folder) for folder in labs)
    return found
