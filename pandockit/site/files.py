"""Which site files ``pandockit init`` may write, and what it says about each.

A file pandockit wrote is pandockit's until the user edits it: ``.pandockit/init.json``
records the SHA-256 of what was written, so a later ``init`` updates an untouched file and
leaves an edited one alone. A file pandockit did not write is the user's: it is never
replaced without ``--force``, and what to do by hand is said instead.

A user's file that ``init`` adds to keeps every byte it had (CRLF line breaks, a byte-order
mark) and its mode; a symlink is written through (its target edited, the link kept) when the
target is in the site, and left alone, with what to do by hand, when it leads out of it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from pandockit.errors import PandockitError
from pandockit.safe_write import atomic_write, inside

RECORD = Path(".pandockit") / "init.json"


@dataclass(frozen=True)
class Change:
    """What ``init`` wants a file of the site to hold."""

    rel: str  # path in the site, with '/'
    text: str  # the whole content wanted
    why: str  # what the file is for, said when it is written
    own: bool = True  # pandockit's own file (else an edit of the user's, made in place)
    hand: str = ""  # what to do by hand when the file is the user's and is left alone


#: What each verb says, done and (``--dry-run``) to be done.
_SAID = {
    "write": ("writes", "would write"),
    "update": ("updates", "would update"),
    "change": ("changes", "would change"),
    "replace": ("replaces", "would replace"),
    "leave": ("leaves", "would leave"),
}


@dataclass(frozen=True)
class Outcome:
    rel: str
    verb: str  # "write", "update", "change", "replace", "same", "leave"
    detail: str

    @property
    def writes(self) -> bool:
        return self.verb in ("write", "update", "change", "replace")

    def line(self, dry_run: bool = False) -> str:
        """One line for the user: ``writes _includes/x.html: what it is for``."""
        if self.verb == "same":
            return f"{self.rel} is up to date"
        said = _SAID[self.verb][1 if dry_run else 0]
        return f"{said} {self.rel}{self.detail}"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_record(site: Path) -> dict[str, str]:
    path = site / RECORD
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def read_text(path: Path) -> str | None:
    """The text of a site file exactly as it is: line breaks as they are (CRLF stays CRLF),
    a byte-order mark kept (as U+FEFF); through a symlink; None when there is none."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise PandockitError(path, f"cannot be read ({exc})") from exc


def _lines(text: str) -> str:
    """``text`` with its line breaks made ``\n`` (how pandockit's own files are compared:
    a checkout may give them CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def target(site: Path, rel: str) -> Path:
    """Where a change of site file ``rel`` is written: the file, or the file a symlink there
    leads to (its target is edited, the link stays)."""
    path = site / rel
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def decide(site: Path, change: Change, record: dict[str, str], force: bool) -> Outcome:
    """What becomes of ``change``: nothing, a write, or a note left to the user."""
    path = site / change.rel
    if path.is_dir():
        raise PandockitError(path, "is a folder; pandockit wants to write a file there")
    current = read_text(path)
    if current is None and not path.is_symlink():
        return Outcome(change.rel, "write", f": {change.why}")
    if current is not None and (current if not change.own else _lines(current)) == change.text:
        return Outcome(change.rel, "same", "")
    real = target(site, change.rel)
    if not inside(real, site):  # a symlink leading out of the site: never written through
        hand = change.hand or "make the change by hand"
        return Outcome(
            change.rel, "leave", f" as it is (a link to {real}, outside the site): {hand}"
        )
    if current is None:
        return Outcome(change.rel, "write", f": {change.why}")
    if not change.own:
        return Outcome(change.rel, "change", f": {change.why}")
    current = _lines(current)
    if record.get(change.rel) == _sha(current):
        return Outcome(change.rel, "update", f": {change.why}")
    if force:
        return Outcome(change.rel, "replace", f" (--force): {change.why}")
    hand = change.hand or "--force replaces it with pandockit's"
    return Outcome(change.rel, "leave", f" as it is (you changed it): {hand}")


def apply(site: Path, changes: list[tuple[Change, Outcome]], record: dict[str, str]) -> None:
    """Write what the outcomes say to write, then the record of pandockit's own files."""
    for change, outcome in changes:
        if not outcome.writes:
            continue
        path = target(site, change.rel)  # through a symlink (decide: one in the site)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, change.text.encode("utf-8"))  # the file's mode kept
        except OSError as exc:
            raise PandockitError(path, f"cannot be written ({exc.strerror or exc})") from exc
        if change.own:
            record[change.rel] = _sha(change.text)
    if any(o.writes and c.own for c, o in changes):
        text = json.dumps(dict(sorted(record.items())), indent=1) + "\n"
        try:
            (site / RECORD).parent.mkdir(parents=True, exist_ok=True)
            atomic_write(site / RECORD, text.encode("utf-8"))
        except OSError as exc:
            reason = f"cannot be written ({exc.strerror or exc})"
            raise PandockitError(site / RECORD, reason) from exc
