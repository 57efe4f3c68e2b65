"""Finding labs among the learner's packs: one by id (`handler-basics` or `lambda-core/handler-basics`), or all.

`find_lab` and `all_labs` read only the packs' manifests, lab folders and (for the order) the lessons' front
matter: running or listing labs must not pay for parsing every lesson body and deck of the course.
`course_order` does the same ordering on packs already loaded in full (the app has them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lambdalearn.content.labs import LAB_FILE, LabSpec, lab_folders, load_lab
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
    """The lab called `lab_ref` (optionally `pack/lab`); the first pack that has it wins.

    A lab's id is its folder's name (validation insists), so only that one folder is read.
    """
    wanted_pack, _, lab_id = lab_ref.rpartition("/")
    known: list[str] = []
    seen_packs: set[str] = set()
    for root in roots:
        pack_id = _pack_id(root)
        if pack_id in seen_packs or (wanted_pack and pack_id != wanted_pack):
            continue
        seen_packs.add(pack_id)
        folder = root / "labs" / lab_id
        if lab_id and folder.is_dir() and "/" not in lab_id and not lab_id.startswith("."):
            problems: list = []
            spec = load_lab(folder, f"labs/{lab_id}/{LAB_FILE}", problems, None) if (folder / LAB_FILE).is_file() else None
            if spec is None:
                raise LabNotFound(f"lab '{lab_ref}' has problems; run `lambdalearn pack validate {root}` to see them")
            return FoundLab(pack_id, LabFolder(spec.id, folder, spec.title, spec))
        known.extend(p.name for p in (root / "labs").glob("*") if (p / LAB_FILE).is_file())
    raise LabNotFound(f"no lab '{lab_ref}'; labs: {', '.join(sorted(known)) or 'none'}")


def all_labs(roots: Iterable[Path]) -> list[FoundLab]:
    """Every valid lab of the packs at `roots` (the first pack with an id wins), pack by pack, in the order of
    the lessons they belong to. Lesson links are not checked here (`pack validate` does)."""
    found: list[FoundLab] = []
    seen_packs: set[str] = set()
    for root in roots:
        pack_id = _pack_id(root)
        if pack_id in seen_packs:
            continue
        seen_packs.add(pack_id)
        folders = [folder for folder in lab_folders(root, [], None) if folder.spec is not None]
        found.extend(FoundLab(pack_id, folder) for folder in _in_course_order(folders, _lesson_orders(root)))
    return found


def course_order(packs: Iterable[Pack]) -> list[FoundLab]:
    """Every valid lab of loaded packs, pack by pack, in the order of the lessons they belong to."""
    found = []
    for pack in packs:
        order = {lesson.id: lesson.order for lesson in pack.lessons}
        labs = [folder for folder in pack.labs if folder.spec is not None]
        found.extend(FoundLab(pack.id, folder) for folder in _in_course_order(labs, order))
    return found


def _in_course_order(folders: list[LabFolder], lesson_order: dict[str, int]) -> list[LabFolder]:
    """By their lesson's order (labs of unknown lessons last), then XP, then id."""
    return sorted(folders, key=lambda folder: (lesson_order.get(folder.spec.lesson, 10**6), folder.spec.xp, folder.id))


def _pack_id(root: Path) -> str:
    from lambdalearn.content.manifest import load_manifest  # parsers: not for the app, whose packs are loaded

    return load_manifest(root, []).id


def _lesson_orders(root: Path) -> dict[str, int]:
    """Lesson id -> order, from the lessons' front matter only (a broken lesson is left out)."""
    from lambdalearn.content.lessons import split_front_matter  # the app's course_order does without them
    from lambdalearn.content.yamlsource import YamlError, parse_yaml

    orders: dict[str, int] = {}
    for path in sorted((root / "content").glob("*.md")):
        try:
            parts = split_front_matter(path.read_text(encoding="utf-8"))
            data = parse_yaml(parts[0], path.name)[0].data if parts else None
        except (UnicodeDecodeError, YamlError):
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str) and type(data.get("order")) is int:
            orders.setdefault(data["id"], data["order"])
    return orders
