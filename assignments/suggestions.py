"""A second opinion on a gap level: what the brief announced and what the audit found, per
dimension, compared by a small local text model (wordllama's packaged 256-dimension static
embeddings) and by cheap contradiction signals. Pure: takes strings, touches no model, no
database, never downloads. A hint only: it never changes a level, the drift or a flag."""

import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

try:  # An optional dependency: without it there is no suggestion and the pages say so.
    import wordllama
except ImportError:  # pragma: no cover - exercised by monkeypatching the loader
    wordllama = None

logger = logging.getLogger(__name__)

MAX_LEVEL = 3

# Chosen on the tune half of tests/data/gap_pairs.json by bench/suggestions.py --tune; the
# figures they give on the test half are in the README and guarded by the engine's tests.
# A pair's score is its distance (1 - similarity) plus a weight per signal that fired; the
# thresholds cut the score into the levels 0..3.
# "confirmation" (the finding says the brief holds: "the schedule holds", "as announced")
# pulls the score down: short confirmations share few words with the brief, and the distance
# alone read them as critical. Its weight is the middle of the plateau of weights (-0.1 to
# -0.4) that agree equally best on the tune half.
THRESHOLDS = (0.48, 0.7, 0.8)
WEIGHTS = {"numbers": 0.3, "negation": 0.35, "contrast words": 0.2, "confirmation": -0.3}

# What a cached suggestion was computed with: a new calibration must not serve old answers.
VERSION = f"l2_supercat_256:{THRESHOLDS}:{sorted(WEIGHTS.items())}"

NUMBERS, NEGATION, CONTRAST = "numbers", "negation", "contrast words"
CONFIRMATION = "confirmation"

_NUMBER_WORDS = {
    # Spelled-out figures a brief or a finding writes as words ("one" and "un" are articles).
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "thirty": "30",
    "fifty": "50",
    "hundred": "100",
    "deux": "2",
    "trois": "3",
    "quatre": "4",
    "cinq": "5",
    "sept": "7",
    "huit": "8",
    "neuf": "9",
    "dix": "10",
    "onze": "11",
    "douze": "12",
    "vingt": "20",
    "trente": "30",
    "cinquante": "50",
    "cent": "100",
    "half": "0.5",
    "moitié": "0.5",
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_]+")
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nothing|nobody|neither|nor|cannot|without|n't)\b|n't\b"
    r"|\b(?:ne|n'|pas|jamais|aucun|aucune|rien|sans|nullement|ni)\b|\bn'",
)
_CONTRAST = re.compile(
    r"\b(?:actually|however|but|only|impossible|instead|in fact|in reality|rather than|"
    r"although|yet|whereas|unrealistic|contrary|merely|just)\b"
    r"|\b(?:mais|seulement|uniquement|en réalité|en fait|cependant|pourtant|toutefois|"
    r"impossible|au lieu|plutôt que|alors que|irréaliste|contrairement|ne\s+\w+\s+que)\b",
)

_CONFIRMATION = re.compile(
    r"\b(?:holds?|held|confirm(?:s|ed)?|as announced|as stated|as the brief says|as described|"
    r"accurate|matches|match|the ones|the same|correct|right|exactly)\b"
    r"|\b(?:se confirme|confirm[ée]e?s?|confirme|comme annoncé|conforme|tient|tiennent|exact|"
    r"exacte|juste|les bons|les bonnes|correspond)\b",
)

_lock = threading.Lock()
_model: Any = None
_failed = False


@dataclass(frozen=True)
class Suggestion:
    suggested_level: int  # 0..3
    similarity: float  # cosine similarity of the two texts, rounded to 3 places
    reason: str  # a short sentence in the reader's language
    signals: tuple[str, ...]  # the cheap signals that fired: "numbers", "negation"...


def _load_model() -> Any:
    """The packaged model, from the wheel's own files: never a download."""
    if wordllama is None:
        raise ImportError("wordllama is not installed")
    package = Path(wordllama.__file__).parent
    # The wheel keeps its tokenizer under tokenizers/, which is where load() looks in a
    # cache_dir: the package's own directory is therefore a complete cache.
    return wordllama.WordLlama.load(cache_dir=package, disable_download=True)


def _get_model() -> Any:
    """The model, loaded once per process; None (after one warning) when it cannot load."""
    global _model, _failed
    if _model is not None or _failed:
        return _model
    with _lock:
        if _model is None and not _failed:
            try:
                _model = _load_model()
            except Exception:
                _failed = True
                logger.warning("The gap suggestion model could not load", exc_info=True)
    return _model


def engine_available() -> bool:
    return _get_model() is not None


def _normalise(text: str) -> str:
    return text.lower().replace("’", "'").replace("\u00a0", " ")


def _numbers(text: str) -> set[str]:
    found = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", ".")
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        found.add(value.lstrip("0") or "0")
    for word in _WORD.findall(text):
        if word in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[word])
    return found


def signals_of(brief: str, finding: str) -> tuple[str, ...]:
    """The cheap signals between a brief's statement and the finding: contradictions, and a
    finding that says the brief holds."""
    brief, finding = _normalise(brief), _normalise(finding)
    fired = []
    brief_numbers, finding_numbers = _numbers(brief), _numbers(finding)
    if brief_numbers and finding_numbers - brief_numbers:
        fired.append(NUMBERS)
    if len(_NEGATION.findall(finding)) > len(_NEGATION.findall(brief)):
        fired.append(NEGATION)
    if len(_CONTRAST.findall(finding)) > len(_CONTRAST.findall(brief)):
        fired.append(CONTRAST)
    if _CONFIRMATION.search(finding):
        fired.append(CONFIRMATION)
    return tuple(fired)


def level_of(
    similarity: float,
    signals: tuple[str, ...],
    thresholds: tuple[float, ...] = THRESHOLDS,
    weights: dict[str, float] | None = None,
) -> int:
    """The suggested level for a similarity and the signals that fired."""
    weights = WEIGHTS if weights is None else weights
    score = (1.0 - similarity) + sum(weights.get(s, 0.0) for s in signals)
    return sum(1 for t in thresholds if score >= t)


def _reason(level: int, similarity: float, signals: tuple[str, ...]) -> str:
    if level == 0:
        return _("The finding confirms the brief's statement.")
    if NUMBERS in signals:
        return _("The finding gives figures that differ from the brief's.")
    if NEGATION in signals or CONTRAST in signals:
        return _("The finding negates or restricts what the brief stated.")
    if level == MAX_LEVEL:
        return _("The finding shares little with the brief's statement.")
    if level == 1:
        return _("The finding adds a nuance to the brief's statement.")
    return _("The finding differs materially from the brief's statement.")


def _suggestion(brief: str, finding: str, similarity: float) -> Suggestion:
    fired = signals_of(brief, finding)
    level = level_of(similarity, fired)
    return Suggestion(
        suggested_level=level,
        similarity=round(similarity, 3),
        reason=_reason(level, similarity, fired),
        signals=fired,
    )


def similarities(pairs: list[tuple[str, str]]) -> list[float]:
    """The cosine similarity of each pair, in one embedding call (the model must be loaded)."""
    model = _get_model()
    texts = [text for pair in pairs for text in pair]
    vectors = model.embed(texts, norm=True)
    return [
        max(-1.0, min(1.0, float(vectors[2 * i] @ vectors[2 * i + 1]))) for i in range(len(pairs))
    ]


def suggest_many(pairs: dict[str, tuple[str, str]]) -> dict[str, Suggestion | None]:
    """A suggestion per key (e.g. per dimension of a report), None where a text is empty."""
    result: dict[str, Suggestion | None] = dict.fromkeys(pairs)
    if not engine_available():
        return result
    usable = {
        key: (brief.strip(), finding.strip())
        for key, (brief, finding) in pairs.items()
        if (brief or "").strip() and (finding or "").strip()
    }
    if usable:
        keys = list(usable)
        for key, similarity in zip(keys, similarities([usable[k] for k in keys]), strict=True):
            result[key] = _suggestion(*usable[key], similarity)
    return result


def suggest(brief: str, finding: str) -> Suggestion | None:
    """The suggested level for one brief statement and its finding; None if not possible."""
    return suggest_many({"": (brief, finding)})[""]
