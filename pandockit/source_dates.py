"""The I/O side of post dates: a notebook's git commit or modification day, the site's clock.

Called by the plan (:func:`pandockit.plan.plan_post`: the day is the job's ``source_day``), by
:mod:`pandockit.post_urls` for the posts a notebook links to, and by the renderer's warning on
future posts; never by a filter. The rules themselves are the pure functions of
:mod:`pandockit.post_names`.
"""

from __future__ import annotations

import logging
import os
import subprocess
from datetime import date, datetime, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from pandockit import post_names
from pandockit.config import Options

log = logging.getLogger("pandockit")

GIT_TIMEOUT = 10  # seconds


@lru_cache(maxsize=8)
def site_timezone(name: str) -> tzinfo | None:
    """The zone of the site's ``timezone`` (an IANA name such as ``Europe/Paris``); None for
    the machine's local time, which Jekyll uses when the site sets none."""
    if not name:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except (ImportError, ValueError, OSError, KeyError):  # ZoneInfoNotFoundError: KeyError
        log.warning("_config.yml: timezone %r is unknown; dates are in local time", name)
        return None


def git_time(path: Path) -> datetime | None:
    """When the last commit that touched ``path`` was authored (author dates survive rebases),
    None outside a repository, for an uncommitted file, or without git."""
    try:
        proc = subprocess.run(
            ["git", "log", "-1", "--format=%aI", "--", path.name],
            cwd=path.parent if str(path.parent) else ".",
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
            env=dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C"),
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = proc.stdout.strip()
    if proc.returncode != 0 or not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def mtime(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except (OSError, OverflowError, ValueError):
        return None


def source_day(path: Path, tz: tzinfo | None) -> date | None:
    """The day a notebook without a date in its name is published under: its last commit in
    git, else its modification time, as a day in ``tz`` (local time when None)."""
    moment = git_time(path) or mtime(path)
    if moment is None:
        return None
    return moment.astimezone(tz).date()


def fastpages_day(path: Path, tz: tzinfo | None) -> date | None:
    """The day fastpages dated a notebook without a date in its name by: its modification
    time minus one day (fastpages subtracted the day "because dates in the future break
    Jekyll"), as a day in ``tz`` (local time when None). Git is not asked: fastpages did not."""
    try:
        stamp = path.stat().st_mtime - 86400
        return datetime.fromtimestamp(stamp, tz).date()
    except (OSError, OverflowError, ValueError):
        return None


def source_date(path: Path, options: Options) -> str:
    """The day (``YYYY-MM-DD``) a notebook without a date in its name is published under: its
    last commit in git, else its modification time, in the site's ``timezone`` (with
    ``post-names: fastpages``: its modification time minus one day, as fastpages dated it).
    ``""`` for a dated name (git is not asked) or when neither is known."""
    if not needs_source_day(path.name, options.post_names):
        return ""
    tz = site_timezone(options.timezone or "")
    day = fastpages_day(path, tz) if options.post_names == "fastpages" else source_day(path, tz)
    return day.isoformat() if day else ""


def needs_source_day(notebook_name: str, style: str = "pandockit") -> bool:
    """Whether the post name may need the source day (git is not asked for dated names);
    ``style``: option ``post-names``."""
    if style == "fastpages":
        return not post_names.fastpages_dated(notebook_name)
    try:
        return post_names.split_dated_name(Path(notebook_name).stem) is None
    except post_names.NamingError:
        return False


def now(tz: tzinfo | None) -> datetime:
    return datetime.now(tz).astimezone(tz)


def warn_if_future(
    what: str | Path, front_matter: dict[str, Any], stem: str, future: bool, tz_name: str
) -> None:
    """Log a warning naming ``what`` when Jekyll would skip the post as future-dated: unless
    the site sets ``future: true``, judged in the site's ``timezone`` (``tz_name``)."""
    if future:
        return
    tz = site_timezone(tz_name or "")
    zone = tz or now(None).tzinfo
    try:
        dated = post_names.split_dated_name(stem)
    except post_names.NamingError:
        return
    message = post_names.future_warning(
        str(what), front_matter.get("date"), dated[0] if dated else None, now(tz), zone,
        tz_name or "",
    )
    if message:
        log.warning("%s", message)
