"""Comparing a typed answer with an accepted one as a reader would: "1M", "1 million" and "1,000,000" are one
number; "GB-seconds", "gb seconds" and "GB seconds" one unit; "request" and "requests" one word.

An answer is split into tokens: numbers (digits with `,`/`_` separators, a decimal part, an optional `$`,
a suffix k/M/bn or a following word thousand/million/billion, or number words such as "one million") become
their value; unit words become one spelling ("seconds", "sec", "s" → "s"); hyphens, dashes and slashes between
words are spaces. Two answers match when they have as many tokens and each pair is equal or has a singular
form in common (so "cases"/"case" and "aliases"/"alias" both match).

A pack may also list aliases of its own terms (`answer_aliases` in pack.yaml: "DLQ" for "dead-letter
queue"): before comparing, each alias said in either answer is read as its term (`alias_table`).
"""

from __future__ import annotations

import re

_SUFFIXES = {"k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_SMALL = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
    " seventeen eighteen nineteen".split())}
_TENS = {word: 10 * n for n, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_UNITS = {
    "s": ("s", "sec", "secs", "second", "seconds"),
    "ms": ("ms", "msec", "msecs", "millisecond", "milliseconds"),
    "min": ("min", "mins", "minute", "minutes"),
    "h": ("h", "hr", "hrs", "hour", "hours"),
    "kb": ("kb", "kilobyte", "kilobytes"),
    "mb": ("mb", "megabyte", "megabytes", "mib"),
    "gb": ("gb", "gigabyte", "gigabytes", "gib"),
}
_UNIT_OF = {spelling: unit for unit, spellings in _UNITS.items() for spelling in spellings}
_NUMBER = re.compile(r"^\$?(\d[\d,_]*(?:\.\d+)?|\.\d+)([a-z]*)$")
_SPLIT = re.compile(r"(?<=[^\W\d_])[-‐‑–—/](?=\w)|(?<=\d)[-‐‑–—/](?=[^\W\d_])|\s+")


def tokens(text: str) -> list[str]:
    """The normalised tokens of `text` (see the module docstring)."""
    words = [word.strip(".,;:!?\"'()") for word in _SPLIT.split(str(text).casefold())]
    out: list[str] = []
    pending: float | None = None  # a number being built from words ("twenty five thousand")
    for word in filter(None, words):
        number = _number_word(word, pending)
        if number is not None:
            pending = number
            continue
        if pending is not None:
            out.append(_show(pending))
            pending = None
        match = _NUMBER.match(word)
        if match:
            value = float(match.group(1).replace(",", "").replace("_", ""))
            rest = match.group(2)
            if rest in _SUFFIXES:
                value *= _SUFFIXES[rest]
            elif rest:
                out.append(_show(value))
                out.append(_UNIT_OF.get(rest, rest))
                continue
            pending = value
            continue
        if word in _SCALES and out and _is_number(out[-1]):
            out[-1] = _show(float(out[-1]) * _SCALES[word])
            continue
        out.append(_UNIT_OF.get(word, word))
    if pending is not None:
        out.append(_show(pending))
    return out


# A pack's aliases as tokens: (alias, its term) pairs, the longest alias first so that it wins over a shorter
# one that starts the same way.
Aliases = tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


def alias_table(terms: dict[str, tuple[str, ...]] | tuple[tuple[str, tuple[str, ...]], ...]) -> Aliases:
    """The token form of `term -> its aliases` (as pack.yaml's `answer_aliases` lists them)."""
    pairs = terms.items() if isinstance(terms, dict) else terms
    table = {tuple(tokens(alias)): tuple(tokens(term)) for term, aliases in pairs for alias in aliases}
    return tuple(sorted(((alias, term) for alias, term in table.items() if alias), key=lambda pair: -len(pair[0])))


def same_answer(given: str, accepted: str, aliases: Aliases = ()) -> bool:
    """Whether `given` says what `accepted` says, token by token, each alias read as its term (see the module
    docstring)."""
    a, b = _as_terms(tokens(given), aliases), _as_terms(tokens(accepted), aliases)
    return len(a) == len(b) and all(_alike(x, y) for x, y in zip(a, b))


def _alike(x: str, y: str) -> bool:
    return x == y or bool(_singular(x) & _singular(y))


def _as_terms(words: list[str], aliases: Aliases) -> list[str]:
    """`words` with every alias in them replaced by its term's tokens."""
    if not aliases:
        return words
    out: list[str] = []
    at = 0
    while at < len(words):
        for alias, term in aliases:
            span = words[at:at + len(alias)]
            if len(span) == len(alias) and all(_alike(x, y) for x, y in zip(span, alias)):
                out.extend(term)
                at += len(alias)
                break
        else:
            out.append(words[at])
            at += 1
    return out


def _number_word(word: str, pending: float | None) -> float | None:
    """The running value after `word` when it continues a number said in words, else None."""
    if word in _SMALL or word in _TENS:
        value = _SMALL.get(word, _TENS.get(word, 0))
        if pending is None:
            return float(value)
        if pending % 100 == 0 or (pending >= 20 and pending % 10 == 0 and value < 10):
            return pending + value
        return None
    if pending is not None and word == "hundred":
        return pending * 100
    if pending is not None and word in _SCALES:
        return pending * _SCALES[word]
    return None


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _singular(word: str) -> set[str]:
    forms = {word}
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])
        if word.endswith("es"):
            forms.add(word[:-2])
        if word.endswith("ies"):
            forms.add(word[:-3] + "y")
    return forms
