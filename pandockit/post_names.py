"""Post names and dates: the file name a notebook's post gets, and the date Jekyll gives it.

Pure functions (no file system, no clock): the callers pass in the notebook's name, its front
matter date, the date of its source (git or modification time,
:mod:`pandockit.source_dates`) and the current time. The rules:

- ``YYYY-MM-DD-rest.ipynb`` keeps its name: the post is ``YYYY-MM-DD-rest`` with the date
  zero-padded (``2020-10-4`` becomes ``2020-10-04``) and ``rest`` as written. A date that is not
  a real day (``2020-13-01``) is an error, since Jekyll would refuse the post.
- Any other notebook is named ``<date>-<slug>``: the date from front matter ``date``, else the
  source date; the slug from the file name, made URL- and file-system-safe (:func:`slugify`).
- With the option ``post-names: fastpages`` (:func:`fastpages_stem`), names follow fastpages'
  ``fast_template.rename_for_jekyll``: a name that starts ``YYYY-MM-DD-`` (zero-padded) keeps
  it, spaces made ``-``; any other loses its leading digits and dashes, spaces made ``-``,
  and is dated by the day its caller gives (fastpages: the modification time minus one day).
- Jekyll dates a post by its front matter ``date`` when it has one, else by its file name, and
  skips posts dated after the build's time unless the site sets ``future: true``
  (:func:`future_warning`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import PurePath
from typing import Any

#: ``YYYY-MM-DD`` (month and day of one or two digits) then, optionally, ``-rest``.
DATED_NAME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:-(.*))?", re.S)

#: What Jekyll's own front matter dates look like: ``YYYY-MM-DD``, then optionally a time and
#: an offset (``2020-01-02 10:30:00 +0100``, ``2020-01-02T10:30:00Z``).
DATE_TEXT = re.compile(
    r"\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"\s*(Z|[-+]\d{2}(?::?\d{2})?)?)?\s*"
)

#: fastpages' test for a name that needs no date (``_re_blog_date`` of its
#: ``fast_template.py``, used with ``match``): a zero-padded date, then ``-``.
FASTPAGES_DATED = re.compile(r"[12]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])-")

#: What fastpages took off the front of a name it dated itself (``_re_numdash``).
FASTPAGES_NUMDASH = re.compile(r"^[-\d]+")

#: Quarto's date keywords: they mean "when rendered", which a post's file name already says.
QUARTO_DATE_WORDS = ("today", "now", "last-modified")

#: Slug fallback when a name has no letter or digit left (``日本.ipynb`` in ``ascii`` mode).
EMPTY_SLUG = "post"

#: Longest slug, in characters (file names are limited to 255 bytes; URLs stay readable).
MAX_SLUG = 80

#: Letters NFKD does not decompose into ASCII, for the ``ascii`` slug mode.
_TRANSLIT = {
    "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "ł": "l",
    "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i",
    "ħ": "h", "Ħ": "H", "ŋ": "ng", "Ŋ": "Ng", "ſ": "s",
}
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґў",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "ye", "i",
     "yi", "g", "u"],
))
_GREEK = dict(zip(
    "αβγδεζηθικλμνξοπρσςτυφχψω",
    ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s",
     "s", "t", "y", "f", "ch", "ps", "o"],
))
for _table in (_CYRILLIC, _GREEK):
    for _low, _ascii in list(_table.items()):
        _TRANSLIT[_low] = _ascii
        if _low.upper() != _low:
            _TRANSLIT[_low.upper()] = _ascii.capitalize()


class NamingError(ValueError):
    """A notebook name or date that no post can be made of (the message says why)."""


def split_dated_name(stem: str) -> tuple[date, str] | None:
    """``(date, rest)`` of a ``YYYY-MM-DD-rest`` file stem, None if it has no date prefix.

    ``rest`` is ``""`` for a bare ``YYYY-MM-DD``. Raises :class:`NamingError` for a prefix
    that is not a real day.
    """
    match = DATED_NAME.fullmatch(stem)
    if not match:
        return None
    y, m, d, rest = match.groups()
    try:
        day = date(int(y), int(m), int(d))
    except ValueError:
        raise NamingError(
            f"the date {y}-{m}-{d} in the file name is not a real day; Jekyll would not "
            "publish the post (rename the notebook)"
        ) from None
    return day, rest or ""


def _translit(text: str) -> str:
    """ASCII for Latin, Greek and Cyrillic letters: the table first (``й`` is ``y``), then
    accents dropped (``ά`` -> ``α``) and the table again. Other scripts are left out."""
    text = "".join(_TRANSLIT.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return "".join(_TRANSLIT.get(ch, ch) for ch in text)


def _word_char(ch: str, mode: str) -> bool:
    if mode == "ascii":
        return ch.isascii() and ch.isalnum()
    return unicodedata.category(ch)[0] in "LNM"  # letters, digits, marks of any script


def slugify(text: str, mode: str = "ascii") -> str:
    """``text`` as a URL- and file-system-safe slug: letters and digits, runs of anything else
    (spaces, punctuation, ``/``, ``.``) as one ``-``, case kept. ``mode`` ``ascii``
    transliterates (``Ünïcode Straße`` -> ``Unicode-Strasse``); ``unicode`` keeps every
    script's letters. ``""`` when nothing is left."""
    text = unicodedata.normalize("NFKC", text)
    if mode == "ascii":
        text = _translit(text)
    out: list[str] = []
    for ch in text:
        if _word_char(ch, mode):
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    slug = "".join(out).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug


def _safe_rest(rest: str) -> bool:
    """Whether the rest of a dated name can stay as written (it came from a file name, so it
    has no ``/``; refuse what would still hurt: control characters, backslashes)."""
    return bool(rest) and not any(
        unicodedata.category(ch)[0] == "C" or ch == "\\" for ch in rest
    )


def title_from_name(notebook_name: str) -> str:
    """The title of a post whose sources give none: the file name without date prefix and
    extension, ``-`` and ``_`` read as spaces."""
    stem = PurePath(notebook_name).stem
    try:
        dated = split_dated_name(stem)
    except NamingError:
        dated = None
    if dated and dated[1]:
        stem = dated[1]
    title = " ".join(re.sub(r"[-_]+", " ", stem).split())
    return title or stem


def front_matter_date(value: Any) -> date | datetime | None:
    """The date Jekyll reads from a front matter ``date`` value, None if it reads none.

    YAML timestamps arrive as ``date``/``datetime``; strings are taken in Jekyll's usual
    ``YYYY-MM-DD[ HH:MM[:SS]][ offset]`` form. Anything else (``last-modified``, ``March 3``)
    is None: the caller warns and leaves it out, since Jekyll fails the build on a date it
    cannot parse."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = DATE_TEXT.fullmatch(value)
    if not match:
        return None
    y, mo, d, hh, mi, ss, frac, off = match.groups()
    try:
        day = date(int(y), int(mo), int(d))
        if hh is None:
            return day
        micro = int((frac or "0")[:6].ljust(6, "0"))
        clock = time(int(hh), int(mi), int(ss or 0), micro)
    except ValueError:
        return None
    return datetime.combine(day, clock, tzinfo=_offset(off))


def _offset(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def day_of(value: date | datetime) -> date:
    """The calendar day of a date or datetime, as written (no time zone conversion)."""
    return value.date() if isinstance(value, datetime) else value


def post_stem(
    notebook_name: str,
    fm_date: Any,
    source_day: date | None,
    slug_mode: str = "ascii",
    title: str | None = None,
) -> str:
    """The post's file stem (``_posts/<stem>.md``) for the notebook ``notebook_name``.

    ``fm_date`` is the front matter ``date`` (any type; ignored unless Jekyll reads it),
    ``source_day`` the notebook's git or modification day, ``title`` the front matter title
    (the slug of a name that is only a date). Raises :class:`NamingError`.
    """
    stem = PurePath(notebook_name).stem
    dated = split_dated_name(stem)
    if dated is not None:
        day, rest = dated
        if not _safe_rest(rest):
            rest = slugify(rest or (title or ""), slug_mode) or EMPTY_SLUG
        return f"{day.isoformat()}-{rest}"
    parsed = front_matter_date(fm_date)
    day = day_of(parsed) if parsed is not None else source_day
    if day is None:
        raise NamingError("no date for the post: name the notebook YYYY-MM-DD-name.ipynb")
    return f"{day.isoformat()}-{slugify(stem, slug_mode) or EMPTY_SLUG}"


def fastpages_dated(notebook_name: str) -> bool:
    """Whether fastpages took the date of the post from the name ``notebook_name``."""
    return FASTPAGES_DATED.match(PurePath(notebook_name).name) is not None


def fastpages_stem(
    notebook_name: str, source_day: date | None, slug_mode: str = "ascii",
    title: str | None = None,
) -> str:
    """The post's file stem as fastpages named it (option ``post-names: fastpages``).

    A name that starts ``YYYY-MM-DD-`` keeps it, its spaces made ``-``; any other is
    ``<source_day>-<name>``, the name without its leading digits and dashes and with spaces
    made ``-`` (fastpages' ``source_day``: the modification day minus one, see
    :func:`pandockit.source_dates.fastpages_day`; the front matter ``date`` is not asked, as
    fastpages did not ask it). What fastpages would have written and no file system or Jekyll
    takes (a day that does not exist, a control character, nothing left of the name) is
    handled as :func:`post_stem` handles it. Raises :class:`NamingError`.
    """
    stem = PurePath(notebook_name).stem
    if fastpages_dated(notebook_name):
        dated = split_dated_name(stem)
        if dated is not None:  # always: FASTPAGES_DATED is a DATED_NAME prefix
            day, rest = dated
            rest = rest.replace(" ", "-")
            if not _safe_rest(rest):
                rest = slugify(rest or (title or ""), slug_mode) or EMPTY_SLUG
            return f"{day.isoformat()}-{rest}"
    if source_day is None:
        raise NamingError("no date for the post: name the notebook YYYY-MM-DD-name.ipynb")
    rest = FASTPAGES_NUMDASH.sub("", stem).replace(" ", "-")
    if not _safe_rest(rest):
        rest = slugify(rest or (title or ""), slug_mode) or EMPTY_SLUG
    return f"{source_day.isoformat()}-{rest}"


class PostClaims:
    """Which source writes each post: the one collision check, of ``pandockit convert``
    (:func:`find_collisions`, before anything is written) and ``pandockit build`` (as each
    post is applied). Names that differ only in case or Unicode normalisation are one post
    (they are one file on macOS and Windows)."""

    def __init__(self) -> None:
        self._owners: dict[str, str] = {}

    def claim(self, source: str, post: str) -> str | None:
        """Claim ``post`` for ``source``: None when it is ``source``'s now (or was), else the
        other source that has it (the claim is refused)."""
        key = unicodedata.normalize("NFC", post).casefold()
        owner = self._owners.setdefault(key, source)
        return None if owner == source else owner


def find_collisions(stems: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """``(stem, first_source, second_source)`` for each source mapping to a post name an
    earlier one already has (see :class:`PostClaims`)."""
    claims = PostClaims()
    found = []
    for source, stem in stems:
        owner = claims.claim(source, stem)
        if owner is not None:
            found.append((stem, owner, source))
    return found


def jekyll_time(fm_date: Any, post_day: date | None, tz: tzinfo) -> datetime | None:
    """The moment Jekyll dates the post at: the front matter date when it has one (a date
    without time is midnight, a time without offset is in ``tz``), else midnight of the file
    name's day in ``tz``."""
    parsed = front_matter_date(fm_date)
    if parsed is None:
        if post_day is None:
            return None
        parsed = post_day
    if not isinstance(parsed, datetime):
        return datetime.combine(parsed, time(), tzinfo=tz)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)


def future_warning(
    what: str, fm_date: Any, post_day: date | None, now: datetime, tz: tzinfo, tz_name: str
) -> str | None:
    """The warning for a post dated after ``now`` (None when it is not): Jekyll skips such a
    post unless the site sets ``future: true``. ``what`` names the file."""
    when = jekyll_time(fm_date, post_day, tz)
    if when is None or when <= now:
        return None
    zone = f"the site's timezone, {tz_name}" if tz_name else "local time: the site sets no timezone"
    timed = isinstance(front_matter_date(fm_date), datetime)
    shown = when.isoformat(sep=" ") if timed else day_of(when).isoformat()
    return (
        f"{what}: dated {shown}, which is in the future ({zone}); Jekyll skips the post "
        "until then unless _config.yml sets 'future: true'"
    )
