"""Post names, slugs and date rules (pandockit.post_names): pure functions, no pandoc, no Jekyll."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from pandockit import post_names
from pandockit.post_names import NamingError, post_stem, slugify

UTC = timezone.utc


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2022-07-24-Tensor-Products.ipynb", "2022-07-24-Tensor-Products"),
        ("2020-10-4-x.ipynb", "2020-10-04-x"),  # zero-padded, as Jekyll's own names are
        ("2020-1-9-Some Post, (draft).ipynb", "2020-01-09-Some Post, (draft)"),  # rest as written
        ("2021-03-03-Ünïcode.ipynb", "2021-03-03-Ünïcode"),
        ("2021-03-03-a..b.ipynb", "2021-03-03-a..b"),
    ],
)
def test_a_dated_name_keeps_its_rest_as_written(name: str, expected: str) -> None:
    assert post_stem(name, "1999-01-01", date(2000, 1, 1)) == expected


def test_a_dated_name_wins_over_front_matter_and_source_dates() -> None:
    assert post_stem("2020-05-06-x.ipynb", date(2021, 1, 1), date(2022, 2, 2)) == "2020-05-06-x"


@pytest.mark.parametrize("name", ["2020-13-01-x.ipynb", "2021-02-29-x.ipynb", "2020-00-10-x.ipynb"])
def test_a_dated_name_that_is_no_real_day_is_an_error(name: str) -> None:
    with pytest.raises(NamingError, match="not a real day"):
        post_stem(name, None, date(2020, 1, 1))


def test_a_bare_date_name_takes_its_slug_from_the_title() -> None:
    stem = post_stem("2020-01-02.ipynb", None, None, title="Hello, World")
    assert stem == "2020-01-02-Hello-World"
    assert post_stem("2020-01-02.ipynb", None, None) == "2020-01-02-post"


@pytest.mark.parametrize(
    ("fm_date", "expected"),
    [
        (date(2019, 3, 4), "2019-03-04"),
        (datetime(2019, 3, 4, 23, 30, tzinfo=timezone(timedelta(hours=-5))), "2019-03-04"),
        ("2019-3-4", "2019-03-04"),
        ("2019-03-04 10:20:30 +0100", "2019-03-04"),
        ("2019-03-04T10:20:30Z", "2019-03-04"),
        (None, "2000-01-01"),  # no front matter date: the source date
        ("last-modified", "2000-01-01"),  # not a date Jekyll reads: the source date
        ("2019-02-30", "2000-01-01"),
        (20190304, "2000-01-01"),
    ],
)
def test_an_undated_name_takes_the_front_matter_date_else_the_source_date(fm_date, expected):
    assert post_stem("My Post.ipynb", fm_date, date(2000, 1, 1)) == f"{expected}-My-Post"


def test_an_undated_name_without_any_date_is_an_error() -> None:
    with pytest.raises(NamingError):
        post_stem("x.ipynb", None, None)


@pytest.mark.parametrize(
    ("text", "mode", "expected"),
    [
        ("tables-and-images", "ascii", "tables-and-images"),
        ("Typesetting_Equations", "ascii", "Typesetting-Equations"),
        ("My Post: a (short) story!", "ascii", "My-Post-a-short-story"),
        ("Ünïcode Straße", "ascii", "Unicode-Strasse"),
        ("Ærø, Łódź", "ascii", "AEro-Lodz"),
        ("Привет мир", "ascii", "Privet-mir"),
        ("Ελληνικά", "ascii", "Ellinika"),
        ("日本語のノート", "ascii", ""),
        ("日本語のノート", "unicode", "日本語のノート"),
        ("Ünïcode Straße", "unicode", "Ünïcode-Straße"),
        ("हिन्दी नोट", "unicode", "हिन्दी-नोट"),  # combining vowel signs stay
        ("../../etc/passwd", "ascii", "etc-passwd"),
        ("..", "unicode", ""),
        ("a/b\\c", "unicode", "a-b-c"),
        ("  --spaces--  ", "ascii", "spaces"),
        ("ﬁle ①", "ascii", "file-1"),  # NFKC compatibility forms
    ],
)
def test_slugify(text: str, mode: str, expected: str) -> None:
    assert slugify(text, mode) == expected


def test_slugs_are_always_safe_path_components() -> None:
    for text in ["..", ".", "/", "a/../b", "\x00\n\t", "con", "a" * 500, "é" * 300]:
        for mode in ("ascii", "unicode"):
            slug = slugify(text, mode)
            assert "/" not in slug and "\\" not in slug and slug not in (".", "..")
            assert len(slug) <= post_names.MAX_SLUG
            assert slug == "" or (slug[0] != "-" and slug[-1] != "-")


def test_an_undated_name_with_nothing_left_is_named_post() -> None:
    assert post_stem("日本.ipynb", None, date(2020, 1, 1)) == "2020-01-01-post"
    assert post_stem("日本.ipynb", None, date(2020, 1, 1), "unicode") == "2020-01-01-日本"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2022-07-24-Tensor-Products-and-Gradients.ipynb", "Tensor Products and Gradients"),
        ("tables-and-images.ipynb", "tables and images"),
        ("Typesetting_Equations.ipynb", "Typesetting Equations"),
        ("2020-13-01-bad.ipynb", "2020 13 01 bad"),
    ],
)
def test_title_from_name(name: str, expected: str) -> None:
    assert post_names.title_from_name(name) == expected


def test_collisions_name_both_sources() -> None:
    found = post_names.find_collisions(
        [("a/2020-01-01-x.ipynb", "2020-01-01-x"), ("b.ipynb", "2020-01-02-b"),
         ("c/x.ipynb", "2020-01-01-x"), ("d.ipynb", "2020-01-01-X")]
    )
    assert found == [
        ("2020-01-01-x", "a/2020-01-01-x.ipynb", "c/x.ipynb"),
        ("2020-01-01-X", "a/2020-01-01-x.ipynb", "d.ipynb"),  # one file on macOS and Windows
    ]
    assert post_names.find_collisions([("a", "s"), ("a", "s")]) == []  # the same notebook twice


TZ_PLUS2 = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("fm_date", "post_day", "now", "future"),
    [
        (None, date(2030, 1, 1), datetime(2029, 12, 31, 23, 0, tzinfo=TZ_PLUS2), True),
        (None, date(2030, 1, 1), datetime(2030, 1, 1, 0, 0, tzinfo=TZ_PLUS2), False),  # midnight
        # 2029-12-31 23:30 UTC is already 2030-01-01 in the site's zone (+02:00):
        (None, date(2030, 1, 1), datetime(2029, 12, 31, 23, 30, tzinfo=UTC), False),
        ("2030-01-01 10:00", date(2030, 1, 1), datetime(2030, 1, 1, 9, 0, tzinfo=TZ_PLUS2), True),
        ("2030-01-01 10:00 +0000", None, datetime(2030, 1, 1, 11, 0, tzinfo=TZ_PLUS2), True),
        (date(2020, 1, 1), date(2035, 1, 1), datetime(2030, 1, 1, tzinfo=UTC), False),  # fm wins
        ("soon", date(2020, 1, 1), datetime(2030, 1, 1, tzinfo=UTC), False),
    ],
)
def test_future_warning(fm_date, post_day, now, future) -> None:
    message = post_names.future_warning("p.ipynb", fm_date, post_day, now, TZ_PLUS2, "Europe/X")
    assert (message is not None) == future
    if message:
        assert message.startswith("p.ipynb: dated 2030-01-01")
        assert "Europe/X" in message and "future: true" in message


def test_front_matter_date_reads_what_jekyll_reads() -> None:
    fmd = post_names.front_matter_date
    assert fmd("2020-01-02") == date(2020, 1, 2)
    assert fmd("2020-01-02 03:04:05.5 -0130") == datetime(
        2020, 1, 2, 3, 4, 5, 500000, tzinfo=timezone(-timedelta(hours=1, minutes=30))
    )
    assert fmd("2020-01-02T03:04") == datetime(2020, 1, 2, 3, 4)
    for bad in ("today", "", "2020-01", "March 3, 2020", "2020-01-02 25:00", True, 3, None, []):
        assert fmd(bad) is None


def test_post_claims_fold_case_and_normalisation() -> None:
    claims = post_names.PostClaims()
    assert claims.claim("a.ipynb", "_posts/2020-01-01-Café.md") is None
    assert claims.claim("a.ipynb", "_posts/2020-01-01-café.md") is None  # its own, again
    assert claims.claim("b.ipynb", "_posts/2020-01-01-CAFE\u0301.md") == "a.ipynb"
    assert claims.claim("b.ipynb", "_posts/2020-01-02-cafe.md") is None
