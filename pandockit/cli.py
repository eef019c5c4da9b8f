"""The ``pandockit`` command: argument parsing and reporting only; the work is elsewhere.

Exit status: 0 success, 1 a notebook (or the site) failed, 2 a usage error.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pandockit import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

log = logging.getLogger("pandockit")


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        level = "error" if record.levelno >= logging.ERROR else record.levelname.lower()
        return f"pandockit: {level}: " + " ".join(record.getMessage().split())


def _setup_logging(verbosity: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine())
    log.handlers[:] = [handler]
    log.propagate = False
    level = logging.ERROR if verbosity < 0 else logging.INFO if verbosity > 0 else logging.WARNING
    log.setLevel(level)


def _add_options(p: argparse.ArgumentParser) -> None:
    """The conversion options every command that converts shares (each overrides _config.yml)."""
    from pandockit.config import CHOICES, DEFAULTS

    p.add_argument(
        "--site", type=Path, default=Path("."), help="the Jekyll site folder (default: .)"
    )
    p.add_argument("--posts-dir", help=DEFAULTS["posts-dir"][1])
    p.add_argument("--assets-dir", help=DEFAULTS["assets-dir"][1])
    p.add_argument("--math", choices=CHOICES["math"], help=DEFAULTS["math"][1])
    p.add_argument(
        "--output-style", choices=CHOICES["output-style"], help=DEFAULTS["output-style"][1]
    )
    p.add_argument("--liquid", choices=CHOICES["liquid"], help=DEFAULTS["liquid"][1])
    p.add_argument("--html", choices=CHOICES["html"], help=DEFAULTS["html"][1])
    p.add_argument("-q", "--quiet", action="count", default=0, help="print errors only")
    p.add_argument("-v", "--verbose", action="count", default=0, help="print more")


def _cli_options(args: argparse.Namespace) -> dict:
    keys = ("posts-dir", "assets-dir", "math", "output-style", "liquid", "html")
    return {k: getattr(args, k.replace("-", "_"), None) for k in keys}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pandockit",
        description="Publish Jupyter notebooks as Jekyll blog posts.",
    )
    parser.add_argument("--version", action="version", version=f"pandockit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    conv = sub.add_parser("convert", help="convert notebooks into posts of a site")
    conv.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help=".ipynb files")
    _add_options(conv)
    conv.set_defaults(func=cmd_convert)
    return parser


def cmd_convert(args: argparse.Namespace) -> int:
    from pandockit.config import resolve_options
    from pandockit.convert import convert
    from pandockit.errors import PandockitError

    try:
        options = resolve_options(args.site, _cli_options(args))
    except PandockitError as exc:
        log.error("%s", exc)
        return EXIT_FAILED
    status = EXIT_OK
    for nb in args.notebooks:
        try:
            result = convert(nb, args.site, options)
        except PandockitError as exc:
            if exc.path is None:
                exc = PandockitError(nb, exc.message)
            log.error("%s", exc)
            status = EXIT_FAILED
            continue
        print(result.post)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    _setup_logging(getattr(args, "verbose", 0) - getattr(args, "quiet", 0))
    try:
        return args.func(args)
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
