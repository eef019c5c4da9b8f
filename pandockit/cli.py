"""The ``pandockit`` command: argument parsing and reporting only; the work is elsewhere.

Exit status: 0 success, 1 a notebook (or the site) failed, 2 a usage error.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from pathlib import Path

from pandockit import __version__, logs

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

log = logging.getLogger("pandockit")


def _help(key: str) -> str:
    """An option's help text, as argparse wants it (``%`` doubled)."""
    from pandockit.config import DEFAULTS

    return DEFAULTS[key][1].replace("%", "%%")


def _add_options(p: argparse.ArgumentParser) -> None:
    """The conversion options every command that converts shares (each overrides _config.yml)."""
    from pandockit.config import CHOICES

    p.add_argument(
        "--site", type=Path, default=Path("."), help="the Jekyll site folder (default: .)"
    )
    p.add_argument("--posts-dir", help=_help("posts-dir"))
    p.add_argument("--assets-dir", help=_help("assets-dir"))
    p.add_argument("--math", choices=CHOICES["math"], help=_help("math"))
    p.add_argument(
        "--output-style", choices=CHOICES["output-style"], help=_help("output-style")
    )
    p.add_argument("--liquid", choices=CHOICES["liquid"], help=_help("liquid"))
    p.add_argument("--html", choices=CHOICES["html"], help=_help("html"))
    p.add_argument("--ansi", choices=CHOICES["ansi"], help=_help("ansi"))
    p.add_argument("--first-cell", choices=CHOICES["first-cell"], help=_help("first-cell"))
    p.add_argument("--post-names", choices=CHOICES["post-names"], help=_help("post-names"))
    p.add_argument(
        "--notes", action=argparse.BooleanOptionalAction, default=None, help=_help("notes")
    )
    p.add_argument("-q", "--quiet", action="count", default=0, help="print errors only")
    p.add_argument(
        "-v", "--verbose", action="count", default=0,
        help="print more: -v also each change --watch sees and info messages; -vv also each "
        "notebook that is up to date",
    )


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, not {text!r}")
    return value


def _add_build_options(p: argparse.ArgumentParser) -> None:
    """The options of ``build`` that ``_config.yml`` can set too (``jobs``, ``clean``)."""

    p.add_argument("-j", "--jobs", type=_jobs, metavar="N", help=_help("jobs"))
    p.add_argument("--clean", action="store_true", default=None, help=_help("clean"))
    p.add_argument(
        "--recursive", action=argparse.BooleanOptionalAction, default=None,
        help=_help("recursive"),
    )


def _meta_pair(text: str) -> tuple[str, str | None]:
    """``KEY=VALUE`` -> (KEY, VALUE); ``KEY`` -> (KEY, None), which stands for true."""
    key, sep, value = text.partition("=")
    if not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, not {text!r}")
    return key.strip(), value if sep else None


def _metadata(pairs: list[tuple[str, str | None]] | None) -> dict | None:
    """The ``-M`` pairs as front matter, values read as YAML (see ``yaml_value``)."""
    if not pairs:
        return None
    from pandockit.front_matter_sources import yaml_value

    return {k: True if v is None else yaml_value(v, allow_mapping=True) for k, v in pairs}


def _cli_options(args: argparse.Namespace) -> dict:
    keys = (
        "posts-dir", "assets-dir", "math", "output-style", "liquid", "html", "ansi",
        "first-cell", "post-names", "notes", "jobs", "clean", "recursive",
    )
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
    conv.add_argument(
        "-M",
        "--metadata",
        action="append",
        type=_meta_pair,
        metavar="KEY[=VALUE]",
        help="set a front matter key, over every other source; VALUE is read as YAML "
        "(true, 3, [a, b], '\"quoted\"'); KEY alone means true. Repeatable",
    )
    conv.add_argument(
        "--force",
        action="store_true",
        help="overwrite posts in the posts folder that pandockit did not write "
        "(it knows its own by 'generator: pandockit' in their front matter)",
    )
    conv.set_defaults(func=cmd_convert)

    bld = sub.add_parser(
        "build",
        help="convert the site's new and changed notebooks (incremental, parallel)",
        description="Convert every notebook under NOTEBOOK_DIR that changed since the last build "
        "into the site. Exit status: 0 success, 1 a notebook failed, 2 usage error.",
    )
    bld.add_argument(
        "notebook_dir",
        nargs="?",
        type=Path,
        metavar="NOTEBOOK_DIR",
        help="folder searched for notebooks, recursively unless --no-recursive (default: "
        "the site's _notebooks)",
    )
    _add_options(bld)
    _add_build_options(bld)
    bld.add_argument("--force", action="store_true", help="convert every notebook, changed or not")
    bld.add_argument(
        "-n", "--dry-run", action="store_true", help="print what would be written or removed"
    )
    bld.add_argument("--watch", action="store_true", help="build, then rebuild on every save")
    bld.add_argument(
        "--no-wait",
        action="store_true",
        help="fail at once when another build of the site is running (default: wait for it)",
    )
    bld.set_defaults(func=cmd_build)

    cfg = sub.add_parser(
        "config", help="print the resolved configuration and where each value came from"
    )
    _add_options(cfg)
    _add_build_options(cfg)
    cfg.set_defaults(func=cmd_config)

    mk = sub.add_parser("makefile", help="print Makefile rules a site's Makefile can include")
    mk.set_defaults(func=cmd_makefile)
    fetch = sub.add_parser(
        "fetch-libs",
        help="fetch the pinned libraries (self-host; of bokehjs the newest) into the cache, "
        "checked against their checksums, so that self-hosted sites build offline",
    )
    fetch.set_defaults(func=cmd_fetch_libs)
    pan = sub.add_parser(
        "pandoc", add_help=False,
        help="run the pandoc pandockit bundles with ARGS (its stdin, stdout and exit status)",
        description="Run the pandoc binary of pypandoc-binary, which pandockit converts with, "
        "with every argument as given ('pandockit pandoc --help' is pandoc's help).",
    )
    pan.add_argument("args", nargs=argparse.REMAINDER, metavar="ARGS")
    pan.set_defaults(func=cmd_pandoc)
    _add_init(sub)
    return parser


def _add_init(sub: argparse._SubParsersAction) -> None:
    from pandockit.site.templates import MATHJAX2_URL, MATHJAX3_URL

    ini = sub.add_parser(
        "init",
        help="prepare a Jekyll site for notebook posts (MathJax, styles, head include)",
        description="Wire a Jekyll site for notebook posts: MathJax on pages with math, a "
        "stylesheet for outputs and toggles, the include that loads them in the theme's "
        "<head>. Idempotent; never replaces a file you wrote without --force.",
    )
    ini.add_argument(
        "--site", type=Path, default=Path("."), help="the Jekyll site folder (default: .)"
    )
    ini.add_argument("-n", "--dry-run", action="store_true", help="print what would be done")
    ini.add_argument(
        "--force", action="store_true", help="replace files of yours pandockit would write"
    )
    ini.add_argument(
        "--mathjax-url", default=MATHJAX3_URL, metavar="URL",
        help=f"MathJax 3 to load (default: {MATHJAX3_URL}); a site may host its own copy",
    )
    ini.add_argument(
        "--mathjax2-url", default=MATHJAX2_URL, metavar="URL",
        help="MathJax 2, loaded instead on pages whose outputs need it (Plotly 1.x)",
    )
    ini.add_argument(
        "--example", action="store_true", help="add a starter notebook to the notebooks folder"
    )
    ini.add_argument(
        "--self-host", action="store_true",
        help="serve MathJax and the outputs' libraries from the site itself, not from CDNs "
        "(sets self-host: true; 'pandockit build' copies the versions the posts use)",
    )
    ini.add_argument(
        "--github-pages", action="store_true",
        help="add .github/workflows/pages.yml: convert and publish on every push",
    )
    ini.add_argument("-q", "--quiet", action="count", default=0, help="print errors only")
    ini.add_argument("-v", "--verbose", action="count", default=0, help="print more")
    ini.set_defaults(func=cmd_init)


def cmd_init(args: argparse.Namespace) -> int:
    from pandockit.errors import PandockitError
    from pandockit.site.init import InitOptions, init

    opts = InitOptions(
        mathjax_url=args.mathjax_url, mathjax2_url=args.mathjax2_url, example=args.example,
        github_pages=args.github_pages, self_host=args.self_host, force=args.force,
        dry_run=args.dry_run,
    )
    try:
        report = init(args.site, opts)
    except PandockitError as exc:
        log.error("%s", exc)
        return EXIT_FAILED
    if args.quiet <= 0:
        for line in report.lines(args.site, args.dry_run):
            print(line)
    return EXIT_OK


def cmd_fetch_libs(args: argparse.Namespace) -> int:
    from pandockit import selfhost
    from pandockit.errors import PandockitError

    try:
        for folder in selfhost.fetch_all():
            print(f"fetched {folder} (checksum verified) into {selfhost.cache_dir()}")
    except PandockitError as exc:
        log.error("%s", exc)
        return EXIT_FAILED
    return EXIT_OK


def cmd_convert(args: argparse.Namespace) -> int:
    from pandockit.config import resolve_options
    from pandockit.convert_run import convert_notebooks
    from pandockit.errors import PandockitError

    try:
        options = resolve_options(
            args.site, {**_cli_options(args), "metadata": _metadata(args.metadata)}
        )
    except PandockitError as exc:
        log.error("%s", exc)
        return EXIT_FAILED
    ok = convert_notebooks(args.notebooks, args.site, options, force=args.force,
                           quiet=args.quiet > args.verbose)
    return EXIT_OK if ok else EXIT_FAILED


def cmd_build(args: argparse.Namespace) -> int:
    from pandockit import builder

    settings = builder.Settings(
        force=args.force,
        dry_run=args.dry_run,
        wait=not args.no_wait,
        verbosity=args.verbose - args.quiet,
    )
    cli = _cli_options(args)
    if args.notebook_dir is not None and not args.notebook_dir.is_dir():
        log.error("%s: notebook folder not found", args.notebook_dir)
        return EXIT_USAGE
    if not args.watch:
        return builder.build_site(args.site, args.notebook_dir, cli, settings)
    if args.dry_run:
        log.error("--watch and --dry-run cannot be used together")
        return EXIT_USAGE
    problem = builder.site_problem(args.site)
    if problem is not None:  # nothing to watch
        log.error("%s: %s", args.site, problem)
        return EXIT_USAGE
    import dataclasses

    from pandockit.watch import watch

    gc.enable()  # a watch lives on: Python's own collections again (see run)
    builds = []

    def rebuild() -> int:  # the first build reports in full; each rebuild starts with a line
        again = dataclasses.replace(settings, rebuild=bool(builds))
        builds.append(builder.build_site(args.site, args.notebook_dir, cli, again))
        return builds[-1]

    folder = builder.notebook_folder(args.site, args.notebook_dir, cli)
    return watch(args.site, folder, rebuild, quiet=settings.verbosity < 0)


def cmd_config(args: argparse.Namespace) -> int:
    from pandockit.config import describe, resolve_options
    from pandockit.errors import PandockitError

    try:
        options = resolve_options(args.site, _cli_options(args))
    except PandockitError as exc:
        log.error("%s", exc)
        return EXIT_FAILED
    sys.stdout.write(describe(options, args.site))
    return EXIT_OK


def cmd_makefile(args: argparse.Namespace) -> int:
    from importlib.resources import files

    sys.stdout.write(files("pandockit").joinpath("data/pandockit.mk").read_text(encoding="utf-8"))
    return EXIT_OK


def cmd_pandoc(args: argparse.Namespace) -> int:
    return run_pandoc(args.args)


def run_pandoc(argv: list[str]) -> int:
    """``pandockit pandoc ARGS...``: become the bundled pandoc (``exec``: its stdin, stdout,
    stderr, signals and exit status are the caller's); where exec is not possible (Windows),
    run it and return its status."""
    from pandockit.errors import PandockitError
    from pandockit.pandoc import pandoc_path

    try:
        binary = pandoc_path()
    except PandockitError as exc:
        log.error("%s", exc)
        return EXIT_FAILED
    sys.stdout.flush()
    if os.name == "posix":
        try:
            os.execv(binary, [binary, *argv])
        except OSError as exc:
            log.error("cannot run %s: %s", binary, exc.strerror or exc)
            return EXIT_FAILED
    import subprocess

    return subprocess.run([binary, *argv], check=False).returncode


class Terminated(KeyboardInterrupt):
    """SIGTERM: a command stops as on Ctrl-C (a build keeps what it finished), exit 143."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def _on_sigterm() -> object:
    """SIGTERM (``kill``, a CI runner's cancel) stops a command as Ctrl-C does; return the
    handler it replaced."""
    import signal  # start-up time: cheap, but only a command that runs needs it

    try:
        return signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread (main() called from a thread): leave it
        return None


def _restore_sigterm(before: object) -> None:
    import signal  # start-up time, as above

    if before is not None:
        try:
            signal.signal(signal.SIGTERM, before)
        except ValueError:
            pass


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    if words[:1] == ["pandoc"]:  # every argument is pandoc's, --help and --version too
        logs.setup(0)
        return run_pandoc(words[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    logs.setup(getattr(args, "verbose", 0) - getattr(args, "quiet", 0))
    before = _on_sigterm()
    try:
        return args.func(args)
    except Terminated:
        log.error("terminated")
        return 128 + 15
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    except Exception as exc:  # a bug: still one line (the traceback with -v), never a dump
        log.error("internal error (%s: %s); please report it", type(exc).__name__, exc)
        if log.isEnabledFor(logging.INFO):
            import traceback

            traceback.print_exc()
        return EXIT_FAILED
    finally:
        _restore_sigterm(before)


def run() -> None:
    """The ``pandockit`` command: :func:`main`, then exit without tearing the interpreter down.

    Freeing a converted document object by object is work nobody waits for (measured: 0.1 s
    after a 2,000-cell notebook); everything :func:`main` wrote is flushed and closed first,
    and a pandoc read nobody asked for is stopped.

    ``convert`` and ``build`` run with Python's cycle collector off: their imports make
    hundreds of thousands of objects, none of them garbage, which its automatic collections
    walked over and over (40-50 collections, 10 ms of a one-notebook conversion), and a
    conversion collects the cycles its documents leave itself, once they are many
    (:func:`pandockit.convert.render_posts`); a build's workers inherit it. A ``--watch``
    turns it back on."""
    if sys.argv[1:2] in (["convert"], ["build"]):
        gc.disable()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said there
            pass
    logging.shutdown()
    pandoc = sys.modules.get("pandockit.pandoc")
    if pandoc is not None:
        pandoc.cancel_prefetched()
    os._exit(code)
