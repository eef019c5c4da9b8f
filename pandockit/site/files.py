"""Which site files ``pandockit init`` may write, and what it says about each.

A file pandockit wrote is pandockit's until the user edits it: ``.pandockit/init.json``
records the SHA-256 of what was written, so a later ``init`` updates an untouched file and
leaves an edited one alone. A file pandockit did not write is the user's: it is never
replaced without ``--force``, and what to do by hand is said instead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pandockit.errors import PandockitError
from pandockit.writer import atomic_write

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


def decide(site: Path, change: Change, record: dict[str, str], force: bool) -> Outcome:
    """What becomes of ``change``: nothing, a write, or a note left to the user."""
    path = site / change.rel
    try:
        current = path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        raise PandockitError(path, f"cannot be read ({exc})") from exc
    if current is None:
        return Outcome(change.rel, "write", f": {change.why}")
    if current == change.text:
        return Outcome(change.rel, "same", "")
    if not change.own:
        return Outcome(change.rel, "change", f": {change.why}")
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
        path = site / change.rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, change.text.encode("utf-8"))
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
