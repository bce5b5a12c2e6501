"""CSV cells that spreadsheets do not run: every formula start is quoted, and reading undoes it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advocate.spreadsheet import read_cell, safe_cell


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+79001234567", "'+79001234567"), ("-5", "'-5"), ("@A1", "'@A1"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("'=x", "''=x"), ("''-x", "'''-x"),
    ("plain", "plain"), ("'quoted", "'quoted"), ("a=b", "a=b"), ("", ""), (None, ""), (12, "12"),
])
def test_formula_starts_are_quoted(value, cell):
    assert safe_cell(value) == cell


@given(st.text(alphabet=st.sampled_from(list("'=+-@\t\rab 1")), max_size=8))
def test_reading_a_cell_gives_back_the_value(text):
    cell = safe_cell(text)
    assert read_cell(cell) == text
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
