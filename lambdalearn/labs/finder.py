"""Finding a lab by id among the learner's packs (`handler-basics` or `lambda-core/handler-basics`).

`find_lab` reads only the packs' manifests and lab folders: running one lab must not pay for parsing every
lesson and deck of the course. `course_order` works on fully loaded packs, for listings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lambdalearn.content.labs import LabSpec, lab_folders
from lambdalearn.content.manifest import load_manifest
from lambdalearn.content.models import LabFolder, Pack


class LabNotFound(LookupError):
    """No such lab, or the lab is broken; `str()` says which and what to do."""


@dataclass(frozen=True)
class FoundLab:
    pack_id: str
    folder: LabFolder

    @property
    def spec(self) -> LabSpec:
        assert self.folder.spec is not None
        return self.folder.spec


def pack_roots(data_dir: Path | None) -> list[Path]:
    """The bundled course, then the enabled installed and entry-point packs (as `Catalog.load` orders them)."""
    from lambdalearn.content.bundled import bundled_pack_root
    from lambdalearn.study.catalog import enabled_pack_roots

    return [bundled_pack_root(), *(enabled_pack_roots(data_dir) if data_dir is not None else [])]


def find_lab(roots: Iterable[Path], lab_ref: str) -> FoundLab:
    """The lab called `lab_ref` (optionally `pack/lab`); the first pack that has it wins."""
    wanted_pack, _, lab_id = lab_ref.rpartition("/")
    known: list[str] = []
    seen_packs: set[str] = set()
    for root in roots:
        pack_id = load_manifest(root, []).id
        if pack_id in seen_packs or (wanted_pack and pack_id != wanted_pack):
            continue
        seen_packs.add(pack_id)
        for folder in lab_folders(root, [], None):
            known.append(folder.id)
            if folder.id != lab_id:
                continue
            if folder.spec is None:
                raise LabNotFound(f"lab '{lab_ref}' has problems; run `lambdalearn pack validate {root}` to see them")
            return FoundLab(pack_id, folder)
    raise LabNotFound(f"no lab '{lab_ref}'; labs: {', '.join(sorted(known)) or 'none'}")


def course_order(packs: Iterable[Pack]) -> list[FoundLab]:
    """Every valid lab, pack by pack, in the order of the lessons they belong to."""
    found = []
    for pack in packs:
        order = {lesson.id: lesson.order for lesson in pack.lessons}
        labs = [folder for folder in pack.labs if folder.spec is not None]
        labs.sort(key=lambda folder: (order.get(folder.spec.lesson, 10**6), folder.spec.xp, folder.id))
        found.extend(FoundLab(pack.id, folder) for folder in labs)
    return found
