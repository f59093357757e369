"""Cross-article speaker names: one key for every spelling and form of one person.

"Zelenskyy", "Zelensky", "Volodymyr Zelenskyy" and "President Zelenskyy" all become the person key
``p:zelensky:v`` (or ``p:zelensky:`` when no first name is known; the store attaches such a
surname-only key to the one person with that surname when there is exactly one). The key folds
accents and case, drops titles, suffixes and possessives, and unifies transliteration variants of
the surname's ending (-yy/-iy/-ij/-y, -ei/-ey, -ski/-sky). Organisations and groups ("Florida
Highway Patrol", "officials") are keyed by their whole folded name.

``speaker_for`` files one quote's speaker in the database as it is written (``settle.py`` files
them all again in a fixed order at the end of an ingest run).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from functools import cache

from quotetrace import lexicon
from quotetrace.lexicon import load
from quotetrace.model import Party, content_hash
from quotetrace.store.values import sqlite_text

# Letters that NFKD does not decompose into a base letter and a mark.
_SPECIAL = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ß": "ss", "æ": "ae", "œ": "oe"}
)
_SUFFIXES = lexicon.words("name_suffixes")
_PARTICLES = lexicon.words("name_particles")
# Words that make a capitalised name an organisation, not a person.
_ORG_WORDS = lexicon.words("org_words")
_PERSON_LABELS = frozenset({"PERSON"})
_UNKNOWN_LABELS = frozenset({"", "UNKNOWN"})
_TOKEN = re.compile(r"[^\W\d_]+(?:[.'’-][^\W\d_]+)*\.?")
# Transliteration endings, applied to the folded surname in order.
_ENDINGS = (
    (re.compile(r"(?<=..)(?:yy|iy|ij|yi|ii)$"), "y"),
    (re.compile(r"(?<=..)ei$"), "ey"),
    (re.compile(r"(?<=..)ski$"), "sky"),
)


def fold(text: str) -> str:
    """Case-folded, accents removed, special letters spelt out in ASCII where possible."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _surname(token: str) -> str:
    token = token.replace("-", "").replace("'", "").replace("’", "")
    for pattern, replacement in _ENDINGS:
        token = pattern.sub(replacement, token)
    return token


@cache
def _titles() -> frozenset[str]:
    return frozenset(t.rstrip(".") for t in load().titles)


@dataclass(frozen=True)
class SpeakerKey:
    """How a name is filed: ``key`` is what the store groups by."""

    key: str
    surname: str  # the person's normalised surname, or the folded organisation name
    initial: str  # first letter of the first name, "" when unknown
    is_person: bool
    display: str  # the name as written, titles and possessive removed


def name_tokens(name: str) -> list[str]:
    """The words of a name as written, without leading titles, trailing suffixes or "'s"."""
    name = re.sub(r"['’]s\b", "", name.strip())
    tokens = _TOKEN.findall(name)
    titles = _titles()
    while len(tokens) > 1 and fold(tokens[0]).rstrip(".") in titles:
        tokens.pop(0)
    while len(tokens) > 1 and fold(tokens[-1]).rstrip(".") in _SUFFIXES:
        tokens.pop()
    return tokens


def _looks_like_person(tokens: list[str]) -> bool:
    if not tokens or len(tokens) > 4:
        return False
    folded = [fold(t).rstrip(".") for t in tokens]
    if any(word in _ORG_WORDS for word in folded):
        return False
    return all(t[0].isupper() or fold(t) in _PARTICLES for t in tokens) and tokens[0][0].isupper()


def speaker_key(name: str | None, *, label: str | None = None) -> SpeakerKey | None:
    """The key of a speaker's name; ``label`` is the entity label when the pipeline gives one.

    ``None`` for a name with no letters.
    """
    if not name or not name.strip():
        return None
    tokens = name_tokens(name)
    if not tokens:
        return None
    label = (label or "").upper()
    person = label in _PERSON_LABELS or (label in _UNKNOWN_LABELS and _looks_like_person(tokens))
    display = " ".join(tokens)
    if not person:
        folded = " ".join(fold(t) for t in _TOKEN.findall(name))
        folded = re.sub(r"^the\s+", "", folded)
        return SpeakerKey(f"o:{folded}", folded, "", False, name.strip())
    words = [fold(t).rstrip(".") for t in tokens]
    surname = _surname(words[-1])
    # particles ("van", "de") belong to the surname: "Ursula von der Leyen" -> "vonderleyen"
    i = len(words) - 2
    while i >= 0 and words[i] in _PARTICLES:
        surname = words[i] + surname
        i -= 1
    initial = words[0][0] if i >= 0 else ""
    return SpeakerKey(f"p:{surname}:{initial}", surname, initial, True, display)


def name_weight(name: str) -> tuple[int, int]:
    """How good a display name is: more name words first, then longer."""
    tokens = name_tokens(name)
    return (len(tokens), len(" ".join(tokens)))


# --- filing in the database ----------------------------------------------------------------------


def speaker_for(
    conn: sqlite3.Connection, party: Party | None, labels: dict[str, str]
) -> str | None:
    """The speaker id of a quote's speaker (created when new); ``labels``: entity id -> label."""
    if party is None or not party.name:
        return None
    key = speaker_key(sqlite_text(party.name), label=labels.get(party.entity or ""))
    if key is None:
        return None
    if key.is_person and not key.initial:
        rows = conn.execute(
            "SELECT id, initial FROM speakers WHERE is_person = 1 AND surname = ?",
            (key.surname,),
        ).fetchall()
        named = {initial: sid for sid, initial in rows if initial}
        bare = [sid for sid, initial in rows if not initial]
        if len(named) == 1:
            return touch_speaker(conn, next(iter(named.values())), key)
        if bare:
            return touch_speaker(conn, bare[0], key)
        return create_speaker(conn, key)
    row = conn.execute("SELECT id FROM speakers WHERE key = ?", (key.key,)).fetchone()
    if row is not None:
        return touch_speaker(conn, row[0], key)
    sid = create_speaker(conn, key)
    if key.is_person:
        # a surname-only speaker filed before any first name was known joins this person,
        # when this is the only person of that surname
        rows = conn.execute(
            "SELECT id, initial FROM speakers WHERE is_person = 1 AND surname = ? AND id != ?",
            (key.surname, sid),
        ).fetchall()
        bare = [other for other, initial in rows if not initial]
        if bare and len(rows) == len(bare):
            conn.execute("UPDATE quotes SET speaker_id = ? WHERE speaker_id = ?", (sid, bare[0]))
            conn.execute("DELETE FROM speakers WHERE id = ?", (bare[0],))
    return sid


def create_speaker(conn: sqlite3.Connection, key: SpeakerKey) -> str:
    sid = content_hash("speaker", key.key)
    conn.execute(
        "INSERT INTO speakers(id, key, surname, initial, is_person, name) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (sid, key.key, key.surname, key.initial, int(key.is_person), key.display),
    )
    return sid


def touch_speaker(conn: sqlite3.Connection, sid: str, key: SpeakerKey) -> str:
    """Keep the fullest form of the name as the speaker's name."""
    (current,) = conn.execute("SELECT name FROM speakers WHERE id = ?", (sid,)).fetchone()
    if name_weight(key.display) > name_weight(current):
        conn.execute("UPDATE speakers SET name = ? WHERE id = ?", (key.display, sid))
    return sid
