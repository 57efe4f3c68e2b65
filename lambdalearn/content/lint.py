"""`pack lint`: item-writing checks beyond validity, the habits that make questions fair and useful.

Each rule returns warnings located like validation problems (`file:line: rule: message`). None of them
makes a pack invalid; `--strict` lets a CI treat them as failures.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator

from lambdalearn.content.bank import key_length_rank
from lambdalearn.content.models import Deck, Pack, StalePhrase
from lambdalearn.content.problems import Problem
from lambdalearn.content.questions import Cloze, Flashcard, MultiChoice, Question, SingleChoice, TrueFalse

MIN_DECK_FOR_PATTERNS = 6
POSITION_SHARE_LIMIT = 0.5
LONGEST_SHARE_LIMIT = 0.5
NEAR_DUPLICATE_SIMILARITY = 0.8
# With four choices a key sits at each length rank a quarter of the time; far above that, length gives it away.
KEY_RANK_SHARE_LIMIT = {"deck": 0.5, "pack": 0.4}
MIN_PACK_FOR_PATTERNS = 20
TRUE_SHARE_BAND = (0.35, 0.65)
WHAT_CHANGED_TAG = "what-changed"
_WHAT_CHANGED = re.compile(r"^\W*what changed\b", re.I)
_ALL_NONE = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|them)\b", re.I)
# A negative stem is a question word whose own clause is negated ("Which of these is not billed?") or an
# EXCEPT; negations inside a relative clause ("...that a DLQ message does not?") do not count.
_NEGATIVE = re.compile(
    r"\b(?:which|what)\b(?:(?!\bthat\b|\bwho\b|,)[^?])*?\b(?:is|are|does|do|can|could|should|would|will|was|were)"
    r"\s+(?:\*\*|__|\*|_)?(not|never)\b|\b(except)\b",
    re.I,
)
_EMPHASISED = re.compile(r"(\*\*|__|\*|_)\s*(?i:not|never|except)\s*(\*\*|__|\*|_)|\b(NOT|NEVER|EXCEPT)\b")

Rule = Callable[[Pack], Iterator[Problem]]


def lint_pack(pack: Pack) -> list[Problem]:
    """Every warning of every rule, sorted by file and line."""
    return sorted(problem for rule in RULES for problem in rule(pack))


def _choice_questions(deck: Deck) -> list[SingleChoice | MultiChoice]:
    return [q for q in deck.questions if isinstance(q, (SingleChoice, MultiChoice))]


def _right(question: SingleChoice | MultiChoice) -> set[int]:
    return {question.answer} if isinstance(question, SingleChoice) else set(question.answer)


def answer_position_bias(pack: Pack) -> Iterator[Problem]:
    for deck in pack.decks:
        singles = [q for q in deck.questions if isinstance(q, SingleChoice)]
        if len(singles) < MIN_DECK_FOR_PATTERNS:
            continue
        position, count = Counter(q.answer for q in singles).most_common(1)[0]
        if count / len(singles) > POSITION_SHARE_LIMIT:
            yield Problem(deck.source, 1, "answer-position",
                          f"the right answer is choice {position} in {count} of {len(singles)} single-choice questions; vary it")


def longest_choice_is_right(pack: Pack) -> Iterator[Problem]:
    for deck in pack.decks:
        questions = _choice_questions(deck)
        if len(questions) < MIN_DECK_FOR_PATTERNS:
            continue
        tells = [q for q in questions if _longest_is_right(q)]
        if len(tells) / len(questions) > LONGEST_SHARE_LIMIT:
            yield Problem(deck.source, 1, "longest-answer",
                          f"the longest choice is a right one in {len(tells)} of {len(questions)} questions "
                          f"({', '.join(q.id for q in tells[:5])}{', ...' if len(tells) > 5 else ''}); test-wise learners notice")


def _longest_is_right(question: SingleChoice | MultiChoice) -> bool:
    lengths = [len(choice.text) for choice in question.choices]
    longest = max(lengths)
    return lengths.count(longest) == 1 and lengths.index(longest) + 1 in _right(question)


def all_or_none_of_the_above(pack: Pack) -> Iterator[Problem]:
    for deck in pack.decks:
        for q in _choice_questions(deck):
            for number, choice in enumerate(q.choices, start=1):
                if _ALL_NONE.search(choice.text):
                    yield Problem(deck.source, q.line, "all-none-of-the-above",
                                  f"{q.id} choice {number} '{choice.text}': write a real choice instead")


def negative_stem_not_emphasised(pack: Pack) -> Iterator[Problem]:
    for deck in pack.decks:
        for q in deck.questions:
            stem = _question_sentence(q)
            negative = _NEGATIVE.search(stem) if stem else None
            if negative and not _EMPHASISED.search(stem):
                word = (negative.group(1) or negative.group(2)).lower()
                yield Problem(deck.source, q.line, "negative-stem",
                              f"{q.id} asks a negative question ('{word}'): emphasise it as **{word}** or {word.upper()}")


def _question_sentence(question: Question) -> str:
    """The sentence that asks: the last one ending in '?', or the prompt's last sentence ("...EXCEPT:")."""
    if not isinstance(question, (SingleChoice, MultiChoice)):
        return ""
    asks = re.findall(r"[^.?!\n]*\?", question.prompt)
    if asks:
        return asks[-1] if not re.search(r"\bexcept\b", question.prompt, re.I) else question.prompt
    sentences = [part for part in re.split(r"(?<=[.!])\s+", question.prompt.strip()) if part]
    return sentences[-1] if sentences else ""


_LEANS_ON_ANOTHER = re.compile(
    r"^\W*(same|again|as (above|before)|the previous)\b|\b(previous|last|above) question\b|\bsame scenario\b", re.I
)


def leans_on_another_question(pack: Pack) -> Iterator[Problem]:
    """Questions come up alone and shuffled (reviews, exams): one must not rely on the one before it."""
    for deck in pack.decks:
        for q in deck.questions:
            text = q.prompt or ""
            if _LEANS_ON_ANOTHER.search(text):
                yield Problem(deck.source, q.line, "not-standalone",
                              f"{q.id} relies on another question ('{text.strip()[:40]}...'): say the whole scenario")


def missing_explanation(pack: Pack) -> Iterator[Problem]:
    for deck in pack.decks:
        for q in deck.questions:
            if q.type != "flashcard" and not q.explanation:
                yield Problem(deck.source, q.line, "no-explanation", f"{q.id} has no explanation to show after the answer")


def wrong_choice_without_why(pack: Pack) -> Iterator[Problem]:
    for deck in pack.decks:
        for q in _choice_questions(deck):
            bare = [n for n, c in enumerate(q.choices, start=1) if n not in _right(q) and not c.why]
            if bare:
                yield Problem(deck.source, q.line, "no-why",
                              f"{q.id}: wrong choice{'s' if len(bare) > 1 else ''} {', '.join(map(str, bare))} "
                              "without a 'why' for the learner who picks it")


def near_duplicates(pack: Pack) -> Iterator[Problem]:
    questions = [(q, _shingles(q)) for q in pack.questions()]
    for i, (a, sa) in enumerate(questions):
        for b, sb in questions[i + 1 :]:
            if sa and sb and len(sa & sb) / len(sa | sb) >= NEAR_DUPLICATE_SIMILARITY:
                yield Problem(b.source, b.line, "near-duplicate",
                              f"{b.id} is nearly the same as {a.id} ({a.source}:{a.line})")


def _shingles(question: Question) -> frozenset[tuple[str, ...]]:
    text = question.prompt + " " + " ".join(c.text for c in getattr(question, "choices", ()))
    words = re.findall(r"\w+", text.casefold())
    return frozenset(tuple(words[i : i + 2]) for i in range(max(0, len(words) - 1)))


def thin_blueprint_domain(pack: Pack) -> Iterator[Problem]:
    exam = pack.manifest.exam
    if exam is None:
        return
    deck_domain = {deck.id: deck.domain for deck in pack.decks}
    have = Counter(q.domain or deck_domain[q.deck_id] for q in pack.questions() if q.gradable)
    for domain in exam.domains:
        need = math.ceil(exam.questions * domain.weight / 100)
        if have[domain.id] < need:
            yield Problem("pack.yaml", 1, "thin-domain",
                          f"domain '{domain.id}' has {have[domain.id]} gradable questions; a {exam.questions}-question "
                          f"exam at {domain.weight:g}% needs {need}")


def raw_html(pack: Pack) -> Iterator[Problem]:
    """The app shows Markdown, not HTML: a `<name>` placeholder outside code would silently vanish."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark")
    documents = [(lesson.source, lesson.body_line, lesson.body) for lesson in pack.lessons]
    for lab in pack.labs:
        readme = lab.path / "README.md"
        if readme.is_file():
            documents.append((readme.relative_to(pack.root).as_posix(), 1, readme.read_text(encoding="utf-8")))
    for source, first_line, text in documents:
        for token in parser.parse(text):
            children = token.children or []
            html = [c.content for c in children if c.type == "html_inline"] or ([token.content] if token.type == "html_block" else [])
            if html:
                line = first_line + (token.map[0] if token.map else 0)
                yield Problem(source, line, "raw-html",
                              f"{html[0].strip()[:30]} is HTML the app does not show; put it in `code` or write it out")


def lessons_without_questions(pack: Pack) -> Iterator[Problem]:
    tested = {deck.lesson for deck in pack.decks if deck.questions} | {
        (q.lesson_section or "").split("#")[0] for q in pack.questions() if "#" in (q.lesson_section or "")
    }
    for lesson in pack.lessons:
        if lesson.id not in tested:
            yield Problem(lesson.source, 1, "untested-lesson", f"no question tests lesson '{lesson.id}'")


_RANK_NAMES = {1: "longest", 2: "second-longest", 3: "third-longest"}


def _rank_name(rank: int) -> str:
    return _RANK_NAMES.get(rank, f"{rank}th-longest")


def predictable_key_length(pack: Pack) -> Iterator[Problem]:
    """A test-wise learner picks the second-longest choice when it is right most of the time."""
    groups = [(deck.source, 1, f"deck {deck.id}", [q for q in deck.questions if isinstance(q, SingleChoice)],
               MIN_DECK_FOR_PATTERNS, KEY_RANK_SHARE_LIMIT["deck"]) for deck in pack.decks]
    groups.append(("pack.yaml", 1, "the pack", [q for q in pack.questions() if isinstance(q, SingleChoice)],
                   MIN_PACK_FOR_PATTERNS, KEY_RANK_SHARE_LIMIT["pack"]))
    for source, line, scope, singles, minimum, limit in groups:
        if len(singles) < minimum:
            continue
        rank, count = Counter(key_length_rank(q) for q in singles).most_common(1)[0]
        if count / len(singles) > limit:
            yield Problem(source, line, "key-length-rank",
                          f"in {scope} the right answer is the {_rank_name(rank)} choice in {count} of {len(singles)} "
                          f"single-choice questions ({100 * count / len(singles):.0f}%, limit {100 * limit:.0f}%); "
                          "reword choices so length gives nothing away")


def true_false_balance(pack: Pack) -> Iterator[Problem]:
    """When most statements are false, 'false' is a winning guess."""
    groups = [(deck.source, f"deck {deck.id}", [q for q in deck.questions if isinstance(q, TrueFalse)], MIN_DECK_FOR_PATTERNS)
              for deck in pack.decks]
    groups.append(("pack.yaml", "the pack", [q for q in pack.questions() if isinstance(q, TrueFalse)], MIN_DECK_FOR_PATTERNS))
    low, high = TRUE_SHARE_BAND
    for source, scope, items, minimum in groups:
        if len(items) < minimum:
            continue
        true = sum(q.answer for q in items)
        if not low <= true / len(items) <= high:
            yield Problem(source, 1, "true-false-balance",
                          f"in {scope} {true} of {len(items)} true/false statements are true ({100 * true / len(items):.0f}%); "
                          f"keep it between {100 * low:.0f}% and {100 * high:.0f}% so guessing one side does not pay")


def stale_phrases(pack: Pack) -> Iterator[Problem]:
    """Old rules the pack lists in pack.yaml may appear only in a "What changed" note or an item tagged what-changed."""
    phrases = [(p, _phrase_pattern(p.phrase)) for p in pack.manifest.lint.stale_phrases]
    if not phrases:
        return
    for lesson in pack.lessons:
        for offset, text in _lines_outside_what_changed(lesson.body):
            for phrase, pattern in phrases:
                if pattern.search(text):
                    yield Problem(lesson.source, lesson.body_line + offset, "stale-phrase",
                                  f"'{phrase.phrase}' is an old rule (now: {phrase.now}); "
                                  "keep it inside a \"What changed\" note")
    for q in pack.questions():
        if WHAT_CHANGED_TAG in q.tags:
            continue
        text = " ".join(_taught_text(q))
        for phrase, pattern in phrases:
            if pattern.search(text):
                yield Problem(q.source, q.line, "stale-phrase",
                              f"{q.id} says '{phrase.phrase}', an old rule (now: {phrase.now}); "
                              f"tag it {WHAT_CHANGED_TAG} if it asks about the old rule")


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.I)


def _lines_outside_what_changed(body: str) -> Iterator[tuple[int, str]]:
    """(line offset, text) of the body's lines that are neither code nor inside a "What changed" note: a section
    under a heading starting "What changed" (to the next heading of its level or higher), or such a blockquote."""
    fence, note_level, in_quote_note = None, 0, False
    for offset, line in enumerate(body.split("\n")):
        stripped = line.strip()
        marker = re.match(r"^(```|~~~)", stripped)
        if fence or marker:
            fence = None if fence and marker and stripped.startswith(fence) else (fence or marker.group(1))
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)", line)
        if heading:
            level = len(heading.group(1))
            if note_level and level <= note_level:
                note_level = 0
            if _WHAT_CHANGED.match(heading.group(2)):
                note_level = level
        if stripped.startswith(">"):
            in_quote_note = in_quote_note or bool(_WHAT_CHANGED.match(stripped.lstrip("> ")))
        else:
            in_quote_note = False
        if not (note_level or in_quote_note):
            yield offset, line


def _taught_text(question: Question) -> list[str]:
    """What a question presents as true: prompt, explanation, right choices. Wrong choices may state old rules."""
    parts = [question.prompt, question.explanation or ""]
    if isinstance(question, (SingleChoice, MultiChoice)):
        for number in _right(question):
            choice = question.choices[number - 1]
            parts += [choice.text, choice.why or ""]
    elif isinstance(question, Flashcard):
        parts += [question.front, question.back]
    elif isinstance(question, Cloze):
        parts.append(question.filled)
    return parts


def missing_level(pack: Pack) -> Iterator[Problem]:
    """Exams weight toward apply and analyse; they can only if every gradable item says its level."""
    for q in pack.questions():
        if q.gradable and q.level is None:
            yield Problem(q.source, q.line, "no-level", f"{q.id} has no level (remember, apply or analyse)")


def unsourced_facts(pack: Pack) -> Iterator[Problem]:
    """Items of the decks pack.yaml lists under lint.sourced_decks cite the AWS page and the date they were checked."""
    wanted = pack.manifest.lint.sourced_decks
    decks = {deck.id: deck for deck in pack.decks}
    for deck_id in wanted:
        if deck_id not in decks:
            yield Problem("pack.yaml", 1, "unsourced", f"lint.sourced_decks names '{deck_id}', which is not a deck of this pack")
            continue
        for q in decks[deck_id].questions:
            if q.reference is None:
                yield Problem(q.source, q.line, "unsourced",
                              f"{q.id} states a number without 'source' (its AWS doc page) and 'verified' (a date)")


def unsourced_cheat_sheets(pack: Pack) -> Iterator[Problem]:
    """With lint.sourced_cheat_sheets, a cheat sheet that states a number cites the AWS pages it comes from."""
    if not pack.manifest.lint.sourced_cheat_sheets:
        return
    for lesson in pack.lessons:
        if lesson.cheat_sheet_states_numbers and not lesson.cheat_sheet_sources:
            heading, _ = lesson.section("Cheat sheet")
            yield Problem(lesson.source, lesson.body_line + heading.line, "unsourced",
                          f"the cheat sheet of '{lesson.id}' states numbers without front matter "
                          "'cheat_sheet: {sources: [AWS doc pages], verified: YYYY-MM-DD}'")


RULES: tuple[Rule, ...] = (
    answer_position_bias,
    longest_choice_is_right,
    all_or_none_of_the_above,
    negative_stem_not_emphasised,
    leans_on_another_question,
    missing_explanation,
    wrong_choice_without_why,
    near_duplicates,
    thin_blueprint_domain,
    raw_html,
    lessons_without_questions,
    predictable_key_length,
    true_false_balance,
    stale_phrases,
    missing_level,
    unsourced_facts,
    unsourced_cheat_sheets,
)
