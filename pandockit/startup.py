"""Start-up time: a cost a dependency's import pays at every start of pandockit, made smaller.

PyYAML's reader compiles, as its class is made, a character class of the printable characters
(``Reader.NON_PRINTABLE``: :data:`YAML_NON_PRINTABLE`, the negated ranges up to U+10FFFF).
Python's regular expression compiler sets a flag per code point of each range of a class, in
Python code: 63,000 of them, 4-5 ms, 6% of what ``pandockit convert`` spends importing
(PyYAML is imported by every command that converts: panflute imports it, and pandockit reads
YAML). The same set written as what it leaves out (the C0 and C1 controls but tab, line feed,
carriage return and NEL; the surrogates; U+FFFE and U+FFFF) compiles in 0.5 ms, and matches
the same characters (tests/unit/test_startup.py holds it so for every code point).

:func:`cheaper_yaml_import` puts that equivalent into the cache ``re.compile`` looks in first,
under PyYAML's pattern, before PyYAML is imported; the reader then takes it. Where the cache is
not there as expected (another Python), or PyYAML is imported already, it does nothing: PyYAML
compiles its own, as it always did. The package's ``__init__`` calls it, so that every way in
(the command, the filter scripts, a library import) has it before panflute or PyYAML loads.
"""

from __future__ import annotations

import re
import sys

#: PyYAML's pattern (``yaml/reader.py``, 5.1 to 6.0.x), as its source gives it to re.compile.
YAML_NON_PRINTABLE = (
    "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
)
#: The same characters: every code point that class leaves out.
NON_PRINTABLE = "[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]"


def cheaper_yaml_import() -> None:
    """Have PyYAML's reader take :data:`NON_PRINTABLE`, compiled, for its own pattern (see the
    module's docstring); nothing when PyYAML is loaded already or ``re`` keeps no such cache."""
    cache = getattr(re, "_cache", None)
    if "yaml" in sys.modules or not isinstance(cache, dict):
        return
    cache.setdefault((str, YAML_NON_PRINTABLE, 0), re.compile(NON_PRINTABLE))
