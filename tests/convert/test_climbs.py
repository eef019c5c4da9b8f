"""Issue 23's measure, on one real ``pandockit build`` (pandoc runs): following a notebook call
by call, how often control climbs back to a higher layer (the layers and the import rules,
which run nothing: tests/unit/test_layers.py)."""

from __future__ import annotations

from pathlib import Path

from converting import traced_build
from test_layers import PACKAGE, layer_of

# --- following one notebook through a build, call by call -----------------------------------

#: Frames that are not rooms: ``pandockit.tree`` is pandockit's copy of panflute's walk (a
#: filter hands it its action, as to panflute's ``run_filter``), so a visitor it calls is called
#: by the filter that started the walk, as through panflute's own walk, whose frames are not
#: pandockit's either.
WALK = ("pandockit.tree",)


def _room(frame) -> str | None:
    name = frame.f_globals.get("__name__", "")
    return name if name == "pandockit" or name.startswith("pandockit.") else None


def climbs_of_a_build(
    tmp_path: Path, walk: tuple[str, ...] = WALK
) -> dict[tuple[str, str], list[str]]:
    """Trace one real ``pandockit build -j 1`` of one notebook, in process, with
    ``sys.setprofile``; return its climbs, each (caller module, callee module) with the calls
    (``caller function -> callee function``) that made it.

    A *climb* is a call from a function of a pandockit module into a function of a module of a
    HIGHER layer (:data:`LAYERS`): control going back up, as a callback or a re-entry does. The
    caller of a call is the nearest frame below it of a pandockit module (library frames such as
    ``contextlib``'s or panflute's in between are skipped, so a callback handed to a library is
    still the caller's; the walk's frames, ``walk``, likewise). Climbs are counted once per
    pair of modules: a callback run for every cell is one climb."""
    import shutil

    site = tmp_path / "site"
    examples = PACKAGE.parent / "examples"
    shutil.copytree(examples / "site", site)
    (site / "_notebooks").mkdir()
    shutil.copyfile(examples / "_notebooks" / "2022-07-24-Tensor-Products-and-Gradients.ipynb",
                    site / "_notebooks" / "tensor.ipynb")
    found: dict[tuple[str, str], set[str]] = {}

    def trace(frame, event, _arg) -> None:
        callee = _room(frame) if event == "call" else None
        if callee is None or callee in walk:
            return
        caller = frame.f_back
        while caller is not None and (_room(caller) is None or _room(caller) in walk):
            caller = caller.f_back
        if caller is not None and layer_of(callee) > layer_of(_room(caller)):
            found.setdefault((_room(caller), callee), set()).add(
                f"{caller.f_code.co_name} -> {frame.f_code.co_name}")

    summary = traced_build(site, trace)
    assert summary.converted == ["_notebooks/tensor.ipynb"], summary.failed
    return {pair: sorted(calls) for pair, calls in found.items()}


def test_a_notebook_followed_through_a_build_climbs_at_most_four_times(tmp_path: Path) -> None:
    """Issue 23's measure: control climbs back to a higher layer at most 4 times. Before the
    plan made one job per notebook, the render loop called back into the build for each
    notebook's logs (``convert.render_posts -> builder.workers.logs_of``, its ``around``); now
    the loop keeps the logs on each outcome and nothing calls up."""
    climbs = climbs_of_a_build(tmp_path / "walk")
    assert len(climbs) <= 4, climbs
    assert climbs == {}, climbs  # what the design gives today: none
    # Counted with the walk's frames as rooms, the only climbs are the walk calling the
    # visitors handed to it (panflute's contract: the filters', and the re-read's, which walks
    # pandoc's read before the pipeline): no other module calls up.
    strict = climbs_of_a_build(tmp_path / "strict", walk=())
    assert strict and all(caller == "pandockit.tree" for caller, _ in strict), strict
