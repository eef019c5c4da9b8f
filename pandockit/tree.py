"""The document tree as pandockit reads it: notebook cell predicates, a fast walk, and a fast
making of pandoc's JSON into panflute objects.

A leaf of pandockit (it imports panflute only), shared by the filters, the media checks and
the Liquid guard. Loading it lets panflute accept raw blocks of any format (see
:class:`_AnyRawFormat`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

import panflute as pf
from panflute.containers import DictContainer, ListContainer
from panflute.elements import from_json as _panflute_from_json
from panflute.utils import check_type


class _AnyRawFormat(frozenset):
    """panflute accepts raw blocks only in formats it knows; a notebook's raw cells carry any
    ``raw_mimetype`` (``text/x-python``, typos), which pandoc passes through as the format.
    Loading such a document must not fail: the outputs filter decides what to keep."""

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str)


pf.elements.RAW_FORMATS = _AnyRawFormat(pf.elements.RAW_FORMATS)


# --- pandoc's JSON into panflute objects ---------------------------------------------------


def _leaf(cls: type) -> Callable[[object], pf.Element]:
    def make(_c: object) -> pf.Element:
        elem = _new(cls)
        elem.parent = elem.location = elem.index = None
        return elem

    return make


def _str(text: object) -> pf.Element:
    if type(text) is not str:
        return pf.Str(text)  # panflute's own error
    elem = _new(pf.Str)
    elem.parent = elem.location = elem.index = None
    elem.text = text
    return elem


def _inlines(cls: type) -> Callable[[list], pf.Element]:
    def make(items: list) -> pf.Element:
        if type(items) is not list:
            return cls(*items)  # panflute's own error
        for item in items:
            if not isinstance(item, pf.Inline):
                return cls(*items)  # panflute's own error
        elem = _new(cls)
        elem.parent = elem.location = elem.index = None
        content = _new(ListContainer)
        content.oktypes, content.parent, content.location = pf.Inline, elem, None
        content.list = items
        elem._content = content
        return elem

    return make


def _text_and(cls: type, formats: object) -> Callable[[object], pf.Element]:
    """A ``Math`` or ``RawInline`` (``c``: format, text), as panflute makes it."""

    def make(c: object) -> pf.Element:
        if type(c) is not list or len(c) != 2 or type(c[1]) is not str or c[0] not in formats:
            return _panflute_from_json({"t": cls.__name__, "c": c})  # its own error
        elem = _new(cls)
        elem.parent = elem.location = elem.index = None
        elem.text, elem.format = c[1], c[0]
        return elem

    return make


def _ica(elem: pf.Element, attr: object) -> bool:
    """Set ``elem``'s identifier, classes and attributes from pandoc's ``[id, classes,
    [[key, value], ...]]`` as panflute's ``_set_ica`` does; False when they are not that."""
    if type(attr) is not list or len(attr) != 3:
        return False
    ident, classes, pairs = attr
    if type(ident) is not str or type(classes) is not list or type(pairs) is not list:
        return False
    if not all(type(c) is str for c in classes):
        return False
    if not all(type(p) is list and len(p) == 2 for p in pairs):
        return False
    elem.identifier, elem.classes, elem.attributes = ident, list(classes), dict(pairs)
    return True


def _text_with_attr(cls: type) -> Callable[[object], pf.Element]:
    """A ``CodeBlock`` or ``Code`` (``c``: attr, text), as panflute makes it."""

    def make(c: object) -> pf.Element:
        elem = _new(cls)
        if (type(c) is not list or len(c) != 2 or type(c[1]) is not str
                or not _ica(elem, c[0])):
            return _panflute_from_json({"t": cls.__name__, "c": c})  # its own error
        elem.parent = elem.location = elem.index = None
        elem.text = c[1]
        return elem

    return make


def _div(c: object) -> pf.Element:
    """A ``Div`` (``c``: attr, blocks), as panflute makes it."""
    elem = _new(pf.Div)
    if (type(c) is not list or len(c) != 2 or type(c[1]) is not list
            or not all(isinstance(b, pf.Block) for b in c[1]) or not _ica(elem, c[0])):
        return _panflute_from_json({"t": "Div", "c": c})  # its own error
    elem.parent = elem.location = elem.index = None
    content = _new(ListContainer)
    content.oktypes, content.parent, content.location = pf.Block, elem, None
    content.list = c[1]
    elem._content = content
    return elem


_new = object.__new__

#: The elements most of a notebook is made of (words and spaces: five in six; formulas), made
#: here as panflute's constructors make them (the same attributes, the same containers), without
#: their checks of each argument again.
_MADE_HERE: dict[str, Callable] = {
    "Str": _str, "Space": _leaf(pf.Space), "SoftBreak": _leaf(pf.SoftBreak),
    "Para": _inlines(pf.Para), "Plain": _inlines(pf.Plain),
    "Math": _text_and(pf.Math, pf.elements.MATH_FORMATS),
    "RawInline": _text_and(pf.RawInline, pf.elements.RAW_FORMATS),
    "RawBlock": _text_and(pf.RawBlock, pf.elements.RAW_FORMATS),
    "CodeBlock": _text_with_attr(pf.CodeBlock), "Code": _text_with_attr(pf.Code),
    "Div": _div,
}


def from_json(data: dict) -> object:
    """``json.loads``'s ``object_hook`` that makes pandoc's JSON AST into panflute objects:
    panflute's own hook (:func:`panflute.elements.from_json`), the same objects, in a third
    of its time on a notebook (most elements are made here, the rest by panflute)."""
    tag = data.get("t")
    if type(tag) is str and (len(data) == 1 or (len(data) == 2 and "c" in data)):
        make = _MADE_HERE.get(tag)
        if make is not None:
            return make(data.get("c"))
    return _panflute_from_json(data)

# --- panflute objects into pandoc's JSON ---------------------------------------------------


def to_json(elem: pf.Element) -> object:
    """``elem.to_json()``: the same JSON-ready data, made here for the kinds a post is mostly
    made of (a third of panflute's time, whose every element goes through two generic calls
    and a type check per child), by panflute for the rest."""
    make = _TO_JSON.get(type(elem))
    return elem.to_json() if make is None else make(elem)


def body_json(doc: pf.Doc) -> dict:
    """``doc.to_json()`` without its metadata (``meta`` empty): the document of its body."""
    return {"pandoc-api-version": doc.api_version, "meta": {},
            "blocks": [to_json(block) for block in doc._content.list]}


def _items(elem: pf.Element) -> list:
    return [to_json(item) for item in elem._content.list]


def _attr(elem: pf.Element) -> list:
    return [elem.identifier, elem.classes, list(elem.attributes.items())]


def _tagged(tag: str, content: Callable[[pf.Element], object]) -> Callable:
    return lambda elem: {"t": tag, "c": content(elem)}


_TO_JSON: dict[type, Callable[[pf.Element], object]] = {
    pf.Str: lambda elem: {"t": "Str", "c": elem.text},
    **{cls: (lambda tag: lambda _elem: {"t": tag})(cls.__name__)
       for cls in (pf.Space, pf.SoftBreak, pf.LineBreak, pf.HorizontalRule)},
    **{cls: _tagged(cls.__name__, _items)
       for cls in (pf.Para, pf.Plain, pf.Emph, pf.Strong, pf.Underline, pf.Strikeout,
                   pf.Superscript, pf.Subscript, pf.SmallCaps, pf.BlockQuote, pf.Note,
                   pf.BulletList)},
    pf.ListItem: _items,
    pf.Header: _tagged("Header", lambda elem: [elem.level, _attr(elem), _items(elem)]),
    pf.Div: _tagged("Div", lambda elem: [_attr(elem), _items(elem)]),
    pf.Span: _tagged("Span", lambda elem: [_attr(elem), _items(elem)]),
    pf.Link: _tagged("Link", lambda elem: [_attr(elem), _items(elem), [elem.url, elem.title]]),
    pf.Image: _tagged("Image", lambda elem: [_attr(elem), _items(elem), [elem.url, elem.title]]),
    pf.Code: _tagged("Code", lambda elem: [_attr(elem), elem.text]),
    pf.CodeBlock: _tagged("CodeBlock", lambda elem: [_attr(elem), elem.text]),
    pf.RawInline: _tagged("RawInline", lambda elem: [elem.format, elem.text]),
    pf.RawBlock: _tagged("RawBlock", lambda elem: [elem.format, elem.text]),
    pf.Math: _tagged("Math", lambda elem: [{"t": elem.format}, elem.text]),
    pf.Quoted: _tagged("Quoted", lambda elem: [{"t": elem.quote_type}, _items(elem)]),
}


def is_cell(elem: pf.Element, kind: str | None = None) -> bool:
    """True for a notebook cell Div from pandoc's ipynb reader (of ``kind``, if given)."""
    if not isinstance(elem, pf.Div) or "cell" not in elem.classes:
        return False
    return kind is None or kind in elem.classes


def ancestor(elem: pf.Element, test: Callable[[pf.Element], bool]) -> pf.Element | None:
    """The nearest of ``elem`` and its ancestors for which ``test`` is true, or None."""
    node: pf.Element | None = elem
    while node is not None and not test(node):
        node = node.parent
    return node


def within(elem: pf.Element | None, kind: type) -> bool:
    """Whether ``elem`` or one of its ancestors is a ``kind``: :func:`ancestor` for a type,
    without a call per level (asked of every formula of a post)."""
    while elem is not None:
        if isinstance(elem, kind):
            return True
        elem = elem.parent
    return False


def leaves(elem: pf.Element, kinds: frozenset[type]) -> Iterator[pf.Element]:
    """The elements without children below ``elem`` whose type is one of ``kinds``, in the
    order of the document: a read-only look (no parent attached, no call for the others)."""
    for name in elem._children:
        child = getattr(elem, name)
        if isinstance(child, ListContainer):
            items: Iterable[pf.Element] = child.list
        elif isinstance(child, DictContainer):
            items = child.dict.values()
        elif isinstance(child, pf.Element):
            items = (child,)
        else:
            continue  # an empty table head or caption
        for item in items:
            if item._children:
                yield from leaves(item, kinds)
            elif type(item) in kinds:
                yield item


def is_output(elem: pf.Element) -> bool:
    """True for an output Div inside a code cell."""
    return isinstance(elem, pf.Div) and "output" in elem.classes


def items_of(elem: pf.Element) -> list[pf.Element]:
    """``list(elem.content)``, read without panflute's bookkeeping: its container attaches
    each item to ``elem`` (parent, index) as it hands it out, which adds up over the cells of
    a notebook, and a walk attaches every element it visits anyway."""
    return list(elem.content.list)


def keep_only(elem: pf.Element, kept: list[pf.Element]) -> None:
    """``elem.content = kept``, where ``kept`` is ``elem``'s items in order, some perhaps left
    out; when none is, the content stays as it is (panflute's setter would rebuild it, every
    item checked again, for nothing)."""
    if len(kept) != len(elem.content):
        elem.content = kept


def cell_index(cell: pf.Div) -> int:
    """The cell's position among all the notebook's cells, counted from 0."""
    return int(cell.attributes.get("pandockit-cell", "-1"))


def cell_tags(cell: pf.Div) -> list[str]:
    """The cell's ``tags`` metadata (pandoc passes it JSON-encoded)."""
    raw = cell.attributes.get("tags")
    if not raw:
        return []
    try:
        tags = json.loads(raw)
    except ValueError:
        return [raw]
    return [str(t) for t in tags] if isinstance(tags, list) else [str(tags)]


#: ``depth`` of a filter run (:func:`pandockit.filters.base.run`) whose action only looks at the
#: top-level blocks (the cell Divs; it may look inside a cell itself): no element inside a cell
#: is visited.
CELLS = 1
#: ``depth`` for a filter whose action looks at cells and the blocks directly inside them.
CELL_BLOCKS = 2


def walk(
    elem: pf.Element,
    action: Callable,
    doc: pf.Doc,
    depth: int | None = None,
    skip: Callable[[pf.Element], bool] | None = None,
) -> object:
    """``elem.walk(action, doc)`` as panflute does it (children first, then ``elem``; an action
    returns None to keep, ``[]`` to delete, a list to splice or an element to replace), made
    faster three ways:

    - a list is changed only when an action changed one of its items, and in place (its
      container stays; what the action put in is type-checked as panflute checks it);
    - ``depth`` (levels of elements below ``elem``; None: all) keeps a filter out of
      subtrees it never acts on;
    - ``skip``, if given, is asked about each element below ``elem`` that has children:
      where it says True, the walk leaves that element and all in it alone. It must say so
      only where ``action`` would change nothing, with a test cheaper than the walk it saves
      (a look at the element's items).

    Measured on a 2,000-cell notebook (88,000 elements), a walk with an action that does
    nothing: panflute's, which rebuilds every list of the tree on every pass, 0.12 s; this one
    0.017 s, and 0.3 ms at ``depth=CELLS``. Most elements are words and spaces, so an action
    called for all should cost next to nothing for them (test the element's type first).
    Parents are attached as panflute attaches them, so ``elem.parent``, ``elem.index`` and
    ``elem.next`` mean the same inside an action.
    """
    return _walk(elem, action, doc, depth, skip)


def _walk(elem: pf.Element, action: Callable, doc: pf.Doc, depth: int | None,
          skip: Callable | None) -> object:
    """The walk itself. It recurses here, not through the module's ``walk``, which a test
    replaces to hold the filters' runs to panflute's walk: a walk begun here is ours
    throughout."""
    if depth is None or depth > 0:
        below = None if depth is None else depth - 1
        for name in elem._children:
            child = getattr(elem, name)
            if isinstance(child, ListContainer):
                items = _walk_list(child, action, doc, below, skip)
                if items is not None:  # not panflute's setter, which checks every item again
                    child.list[:] = items
                continue
            if isinstance(child, DictContainer):
                items = _walk_dict(child, action, doc, below, skip)
            elif isinstance(child, pf.Element):
                items = None if _skipped(child, skip) else _walk(child, action, doc, below, skip)
                items = None if items is child else items
            elif child is None:
                continue  # an empty table head or caption
            else:
                raise TypeError(type(child))
            if items is not None:
                setattr(elem, name, items)
    altered = action(elem, doc)
    return elem if altered is None else altered


def _skipped(elem: pf.Element, skip: Callable | None) -> bool:
    return skip is not None and bool(elem._children) and skip(elem)


def _walk_list(container: ListContainer, action: Callable, doc: pf.Doc, depth: int | None,
               skip: Callable | None):
    """The walked items of ``container`` as a new list, or None when no action changed any.

    What an action put in is type-checked here, as panflute's setter would check it, so the
    list can go into ``container`` as it is: the setter checks every item again, and did so
    for each paragraph where one formula changed (a quarter of the math filter's time)."""
    parent, location, oktypes = container.parent, container.location, container.oktypes
    out = None
    for i, item in enumerate(list(container.list)):
        item.parent, item.location, item.index = parent, location, i
        if not item._children:  # a leaf (most elements are): what walk does, one call fewer
            altered = action(item, doc)
            new = item if altered is None else altered
        elif skip is not None and skip(item):
            new = item
        else:
            new = _walk(item, action, doc, depth, skip)
        if out is None:
            if new is item:
                continue
            out = container.list[:i]
        if new is item:
            out.append(item)
        elif type(new) is list:
            out.extend(check_type(x, oktypes) for x in new)
        else:
            out.append(check_type(new, oktypes))
    return out


def _walk_dict(container: DictContainer, action: Callable, doc: pf.Doc, depth: int | None,
               skip: Callable | None):
    """The walked ``(key, value)`` pairs of ``container``, or None when nothing changed."""
    changed, out = False, []
    for key in list(container.dict):
        value = container[key]  # attaches it to the metadata's parent, as panflute does
        new = value if _skipped(value, skip) else _walk(value, action, doc, depth, skip)
        changed = changed or new is not value
        if not (type(new) is list and not new):
            out.append((key, new))
    return out if changed else None
