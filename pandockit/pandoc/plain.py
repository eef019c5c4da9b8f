"""The plain strategy: one pandoc process per document, one after another, in a background thread
(for many documents when pandoc has no server mode)."""

from __future__ import annotations

import threading

from pandockit.errors import PandockitError
from pandockit.pandoc.options import Conversion
from pandockit.pandoc.process import run_pandoc


class OneByOne:
    """Many conversions of one kind, one pandoc run each; :meth:`results` waits for them."""

    def __init__(self, conversion: Conversion, texts: list[str], *, what: str) -> None:
        self.what = what
        self._results: list[str | PandockitError] = []
        self._thread = threading.Thread(target=self._run, args=(conversion.args(), texts))
        self._thread.start()

    def _run(self, args: list[str], texts: list[str]) -> None:
        for text in texts:
            try:
                out = run_pandoc(args, text.encode("utf-8"), what=self.what)
                self._results.append(out.decode("utf-8"))
            except PandockitError as exc:
                self._results.append(exc)

    def results(self) -> list[str | PandockitError]:
        self._thread.join()
        return self._results
