"""fastpages' Markdown notes and embeds: ``> Note: text`` as a styled box, ``> youtube: URL`` and
``> twitter: URL`` as embedded players and posts.

fastpages (nbdev's ``add_jekyll_notes`` and its own ``add_embedded_links``) rewrote each line
``> Word: text`` of a markdown cell whose ``Word`` (any case) is one of its ``jekyll_styles``:
``note``, ``tip``, ``warning`` and ``important`` became ``{% include note.html content='text'
%}``, a box styled by its theme; ``youtube`` and ``twitter`` became its ``youtube.html`` and
``twitter.html`` includes. Any other ``> Word: text`` stayed a quotation. Here the same lines
become HTML, not includes, so the note's text stays Markdown that is escaped and kept from
running as Liquid as all other notebook text is:

- a note: ``<div class="pandockit-note pandockit-note-<style>" markdown="1">`` holding
  ``**Note:** text`` (kramdown renders the Markdown inside; ``pandockit/data/site/css/notes.css``
  styles it);
- ``youtube: URL`` (``youtu.be/ID``, ``youtube.com/watch?v=ID``, ``/embed/ID``, ``/shorts/ID``,
  ``/live/ID``; a ``t=`` time becomes the player's ``start``): YouTube's ``<iframe>`` player;
- ``twitter: URL`` (``twitter.com`` or ``x.com``, ``/<user>/status/<id>``): Twitter's
  ``<blockquote class="twitter-tweet">`` and, once per post, only in posts that have one, the
  ``widgets.js`` script that turns it into the embedded post.

An embed whose URL is not of that form stays a quotation, with a warning. Each line of a
quotation is looked at, as fastpages looked at lines: ``> Note: a`` and ``> Warning: b`` on two
lines of one quotation are two boxes; lines around them stay quoted.

Touches ``BlockQuote`` blocks of markdown cell Divs (also in list items), when option ``notes``
is true (a fastpages site: ``pandockit init`` sets it). Writes nothing to metadata.
"""

from __future__ import annotations

import html
import logging
import re
from urllib.parse import parse_qs, urlsplit

import panflute as pf

from pandockit.filters.base import CELLS, is_cell, items_of, job_of, run

log = logging.getLogger("pandockit")

NAME = "notes"

#: fastpages' note styles (its ``jekyll_styles`` setting) and the label its includes showed.
STYLES = {"note": "Note", "tip": "Tip", "warning": "Warning", "important": "Important"}
EMBEDS = ("youtube", "twitter")

#: The script that turns ``blockquote.twitter-tweet`` into an embedded post (Twitter's own
#: embed code loads it so, ``async``, after the quotation).
TWITTER_SCRIPT = (
    '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
)

_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{6,20}")
_TWEET_PATH = re.compile(r"/([A-Za-z0-9_]{1,15})/status(?:es)?/(\d{1,25})/?")
_YOUTUBE_HOSTS = ("youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
                  "www.youtube-nocookie.com", "music.youtube.com")
_TWITTER_HOSTS = ("twitter.com", "www.twitter.com", "mobile.twitter.com", "x.com", "www.x.com")
_TIME = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?")


def youtube_embed(url: str) -> str | None:
    """The ``src`` of YouTube's player for the video at ``url``, None if ``url`` names none."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    path = [p for p in parts.path.split("/") if p]
    query = parse_qs(parts.query)
    video = None
    if host == "youtu.be" and path:
        video = path[0]
    elif host in _YOUTUBE_HOSTS:
        if path == ["watch"]:
            video = (query.get("v") or [None])[0]
        elif len(path) >= 2 and path[0] in ("embed", "shorts", "live", "v"):
            video = path[1]
    if not video or not _VIDEO_ID.fullmatch(video):
        return None
    src = f"https://www.youtube.com/embed/{video}"
    start = _seconds((query.get("t") or query.get("start") or [""])[0])
    return f"{src}?start={start}" if start else src


def _seconds(text: str) -> int:
    """``90``, ``90s``, ``1m30s``, ``1h2m3s`` -> seconds (0 when not a time)."""
    match = _TIME.fullmatch(text.strip()) if text else None
    if not match or not any(match.groups()):
        return 0
    h, m, s = (int(g) if g else 0 for g in match.groups())
    return h * 3600 + m * 60 + s


def tweet_url(url: str) -> str | None:
    """The canonical ``https://twitter.com/<user>/status/<id>`` of a post's URL, else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host not in _TWITTER_HOSTS:
        return None
    match = _TWEET_PATH.fullmatch(parts.path)
    if not match:
        return None
    return f"https://twitter.com/{match.group(1)}/status/{match.group(2)}"


def _lines(inlines: list[pf.Inline]) -> list[list[pf.Inline]]:
    """A paragraph's inlines cut into its source lines (at soft and hard breaks)."""
    lines: list[list[pf.Inline]] = [[]]
    for item in inlines:
        if isinstance(item, (pf.SoftBreak, pf.LineBreak)):
            lines.append([])
        else:
            lines[-1].append(item)
    return lines


def _word(line: list[pf.Inline]) -> tuple[str, list[pf.Inline]] | None:
    """``(word, rest)`` of a line that opens ``Word:`` (the word lower-cased), else None."""
    if not line or not isinstance(line[0], pf.Str) or ":" not in line[0].text:
        return None
    word, _, after = line[0].text.partition(":")
    rest = ([pf.Str(after)] if after else []) + line[1:]
    while rest and isinstance(rest[0], pf.Space):
        rest = rest[1:]
    return word.lower(), rest


def _url_of(rest: list[pf.Inline]) -> str:
    """The URL an embed line gives: a link's target, else the line's text."""
    links = [i for i in rest if isinstance(i, pf.Link)]
    if len(links) == 1:
        return links[0].url
    return pf.stringify(pf.Plain(*rest)).strip()


def _note(style: str, rest: list[pf.Inline]) -> list[pf.Block]:
    head = f'<div class="pandockit-note pandockit-note-{style}" markdown="1">\n'
    label = pf.Strong(pf.Str(f"{STYLES[style]}:"))
    body = pf.Para(label, *([pf.Space(), *rest] if rest else []))
    return [pf.RawBlock(head, format="markdown"), body,
            pf.RawBlock("</div>\n", format="markdown")]


def _embed(kind: str, rest: list[pf.Inline], doc: pf.Doc) -> list[pf.Block] | None:
    url = _url_of(rest)
    if kind == "youtube":
        src = youtube_embed(url)
        if src is None:
            return None
        frame = (
            f'<div class="pandockit-embed pandockit-youtube"><iframe width="560" height="315" '
            f'src="{html.escape(src)}" title="YouTube video player" frameborder="0" '
            'allow="accelerometer; clipboard-write; encrypted-media; gyroscope; '
            'picture-in-picture; web-share" allowfullscreen></iframe></div>\n'
        )
        return [pf.RawBlock(frame, format="markdown")]
    tweet = tweet_url(url)
    if tweet is None:
        return None
    link = html.escape(tweet)
    quote = (
        '<div class="pandockit-embed pandockit-twitter"><blockquote class="twitter-tweet">'
        f'<a href="{link}">{link}</a></blockquote></div>\n'
    )
    blocks = [pf.RawBlock(quote, format="markdown")]
    if not doc.pandockit_twitter_script:
        blocks.append(pf.RawBlock(TWITTER_SCRIPT + "\n", format="markdown"))
        doc.pandockit_twitter_script = True
    return blocks


def _quote(lines: list[list[pf.Inline]], rest: list[pf.Block]) -> list[pf.Block]:
    """Lines (and the blocks after them) that stay a quotation, as one BlockQuote."""
    inlines: list[pf.Inline] = []
    for line in lines:
        if inlines:
            inlines.append(pf.SoftBreak())
        inlines.extend(line)
    blocks = ([pf.Para(*inlines)] if inlines else []) + rest
    return [pf.BlockQuote(*blocks)] if blocks else []


def rewrite(quote: pf.BlockQuote, doc: pf.Doc) -> list[pf.Block] | None:
    """The blocks that replace ``quote``, None when it holds no note or embed line."""
    blocks = items_of(quote)
    if not blocks or not isinstance(blocks[0], (pf.Para, pf.Plain)):
        return None
    out: list[pf.Block] = []
    plain: list[list[pf.Inline]] = []
    changed = False
    for line in _lines(items_of(blocks[0])):
        found = _word(line)
        new = None
        if found and found[0] in STYLES:
            new = _note(found[0], found[1])
        elif found and found[0] in EMBEDS:
            new = _embed(found[0], found[1], doc)
            if new is None:
                log.warning(
                    "%s: '> %s:' names no %s URL it can embed; left as a quotation",
                    job_of(doc).name, found[0], found[0],
                )
        if new is None:
            plain.append(line)
            continue
        changed = True
        out.extend(_quote(plain, []))
        plain = []
        out.extend(new)
    if not changed:
        return None
    return out + _quote(plain, blocks[1:])


def prepare(doc: pf.Doc) -> None:
    doc.pandockit_twitter_script = False


def _rewrite_in(container: pf.Element, doc: pf.Doc) -> None:
    """Rewrite the quotations among ``container``'s blocks, and those in its lists' items
    (fastpages' pattern took a ``>`` line at any indentation)."""
    items = items_of(container)
    kept: list[pf.Block] = []
    for block in items:
        new = rewrite(block, doc) if isinstance(block, pf.BlockQuote) else None
        kept.extend([block] if new is None else new)
        if isinstance(block, (pf.BulletList, pf.OrderedList)):
            for item in items_of(block):
                _rewrite_in(item, doc)
    if len(kept) != len(items) or any(a is not b for a, b in zip(kept, items)):
        container.content = kept


def action(elem: pf.Element, doc: pf.Doc) -> None:
    if is_cell(elem, "markdown") and job_of(doc).options.notes:
        _rewrite_in(elem, doc)
    return None


def finalize(doc: pf.Doc) -> None:
    del doc.pandockit_twitter_script


def main(doc: pf.Doc | None = None) -> pf.Doc | None:
    return run(NAME, action, prepare, finalize, doc, depth=CELLS)
