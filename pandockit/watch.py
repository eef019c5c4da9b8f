"""``pandockit build --watch``: build, then build again whenever a notebook or the config changes.

Each rebuild is an ordinary incremental build (same rules, same manifest), so only the saved
notebook is converted again; a deleted notebook's post goes with ``--clean``; an edit to the
site's ``_config.yml`` rebuilds what the new options change. Events come from ``watchfiles``
(inotify on Linux); a burst of saves is one rebuild. A failed build is reported and watching
goes on. Ctrl-C stops watching, also in the middle of a build, and exits with status 0.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("pandockit")


def relevant(site: Path, notebook_dir: Path) -> Callable[[object, str], bool]:
    """A watchfiles filter: notebooks under ``notebook_dir`` (not in hidden folders) and the
    site's ``_config.yml``."""
    folder = notebook_dir.resolve()
    config = (site / "_config.yml").resolve()

    def accept(change: object, path: str) -> bool:
        p = Path(path).resolve()
        if p == config:
            return True
        if p.suffix != ".ipynb":
            return False
        try:
            parts = p.relative_to(folder).parts
        except ValueError:
            return False
        return not any(part.startswith(".") for part in parts)

    return accept


def watch(
    site: Path,
    notebook_dir: Path,
    rebuild: Callable[[], int],
    *,
    stop_event: threading.Event | None = None,
    debounce_ms: int = 300,
    quiet: bool = False,
) -> int:
    """Run ``rebuild`` now and after every relevant change until Ctrl-C (or ``stop_event``)."""
    import watchfiles

    def say(message: str) -> None:
        if not quiet:
            print(message, flush=True)

    try:
        rebuild()
        say(f"watching {notebook_dir} for changes (Ctrl-C to stop)")
        changes = watchfiles.watch(
            *_roots(site, notebook_dir),
            watch_filter=relevant(site, notebook_dir),
            debounce=debounce_ms,
            stop_event=stop_event,
            raise_interrupt=True,  # caught below, without watchfiles logging it
        )
        for batch in changes:
            for _, path in sorted(batch, key=lambda c: c[1]):
                log.info("changed: %s", path)
            rebuild()
    except KeyboardInterrupt:
        pass
    say("stopped watching")
    return 0


def _roots(site: Path, notebook_dir: Path) -> list[Path]:
    """The folders to watch: the site (for ``_config.yml``), and the notebooks if outside it."""
    try:
        notebook_dir.resolve().relative_to(site.resolve())
    except ValueError:
        return [site, notebook_dir]
    return [site]
