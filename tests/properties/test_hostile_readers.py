"""Mutated ledgers, membership files, outlooks and published figures: exit 0 or 2, no traceback.

Hypothesis takes a valid file of each reader and mutates it — bytes flipped, inserted or
cut, lines duplicated, cells replaced by hostile values (Latin-1 text, NUL, huge and
negative numbers, dates in year 0 and 9999, long fields, a byte-order mark mid-file) —
and runs the command that reads it through typer's ``CliRunner``. Whatever arrives:

* the exit code is 0 or 2;
* with 2, exactly one ``tariffsim: error`` line on stderr, and the output file keeps its
  previous content; with 0, the output file is written and no duty reads ``$inf``/``$nan``;
* no exception other than the funnel's exit escapes.

CI runs a fixed, derandomized set of examples (a few seconds per reader). A long run:
``TARIFFSIM_FUZZ_EXAMPLES=2000 python -m pytest tests/properties/test_hostile_readers.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.ledgers import HAND_LINES, HAND_SCENARIO, ONE_FLOW_SCENARIO
from tests.properties.test_hostile_inputs import fuzz

PREVIOUS = b"previous output\n"
runner = CliRunner()


HOSTILE_BYTES = [
    b"\xe9",  # Latin-1 é
    b"\x93",  # cp1252 left quote
    b"\x00",
    b"\xef\xbb\xbf",  # a byte-order mark, mid-file
    b",",
    b"\n",
    b'"',
    b"\r\n",
    b"9999-12-31",
    b"0000-01-01",
    b"1e308",
    b"-1",
    b"18446744073709551615",
    b"x" * 20_000,
    b"nan",
    b"inf",
    b"8501.0",
    b"#",
    b"  ",
    b": {",
    b"&a [*a]",
    b"- ",
]


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with one to four byte-level mutations."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(st.sampled_from(["insert", "replace", "cut", "flip", "duplicate_line"]))
        if kind == "insert":
            data[at:at] = draw(st.sampled_from(HOSTILE_BYTES))
        elif kind == "replace":
            piece = draw(st.sampled_from(HOSTILE_BYTES))
            data[at : at + len(piece)] = piece
        elif kind == "cut":
            data[at : at + draw(st.integers(1, 40))] = b""
        elif kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        else:
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def check(args: list[str], out: Path) -> None:
    """Run the command; assert the promises on its exit, its stderr and its output file."""
    out.write_bytes(PREVIOUS)
    result = runner.invoke(app, [*args, "-o", str(out)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 2), result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("tariffsim: error")]
    if result.exit_code == 2:
        assert len(errors) == 1, result.stderr
        assert out.read_bytes() == PREVIOUS
    else:
        assert errors == []
        assert out.read_bytes() != PREVIOUS
        assert "$inf" not in result.stdout and "$nan" not in result.stdout
    leftovers = [p.name for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("readers")
    (path / "hand.yaml").write_text(HAND_SCENARIO % {"rule": "max"}, encoding="utf-8")
    (path / "flow.yaml").write_text(ONE_FLOW_SCENARIO, encoding="utf-8")
    header = "hts_code,country_of_origin,customs_value_usd,entry_date,sku\n"
    body = "".join(",".join(row) + "\n" for row in HAND_LINES)
    (path / "good.csv").write_text(header + body, encoding="utf-8")
    return path


LEDGER = (
    "hts_code,country_of_origin,customs_value_usd,entry_date,sku\n"
    + "".join(",".join(row) + "\n" for row in HAND_LINES)
).encode()


@fuzz(40)
@given(data=mutated(LEDGER))
def test_mutated_ledger_csv(folder: Path, data: bytes) -> None:
    ledger = folder / "ledger.csv"
    ledger.write_bytes(data)
    check(["exposure", str(folder / "hand.yaml"), "--ledger", str(ledger)], folder / "s.csv")


HOSTILE_VALUES: dict[str, list[object]] = {
    "hts_code": ["", "8501.0", "x" * 20_000, "85011", "\x00", "٨٥٠١"],
    "country_of_origin": ["", "ZZ", "cn ", "C\x00"],
    "customs_value_usd": [-1.0, float("inf"), float("nan"), 1e308, 0.0, 2.0**64],
    "entry_date": [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1899, 12, 31)],
}


@fuzz(25)
@given(
    column=st.sampled_from(sorted(HOSTILE_VALUES)),
    row=st.integers(0, len(HAND_LINES) - 1),
    choice=st.integers(0, 5),
    corrupt=st.none() | st.integers(0, 3000),
)
def test_mutated_ledger_parquet(
    folder: Path, column: str, row: int, choice: int, corrupt: int | None
) -> None:
    values = HOSTILE_VALUES[column]
    columns: dict[str, list[object]] = {
        "hts_code": [r[0] for r in HAND_LINES],
        "country_of_origin": [r[1] for r in HAND_LINES],
        "customs_value_usd": [float(r[2]) for r in HAND_LINES],
        "entry_date": [dt.date.fromisoformat(r[3]) for r in HAND_LINES],
    }
    columns[column][row] = values[choice % len(values)]
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    data = bytearray(buffer.getvalue())
    if corrupt is not None:
        data[corrupt % len(data)] ^= 0xFF
    ledger = folder / "ledger.parquet"
    ledger.write_bytes(bytes(data))
    check(["exposure", str(folder / "hand.yaml"), "--ledger", str(ledger)], folder / "s.csv")


MEMBERSHIPS = b"# lists\nhts_code,measure\n8501,a\n9401.61,a\n85,b\n7208,c\n"


@fuzz(40)
@given(data=mutated(MEMBERSHIPS))
def test_mutated_membership_file(folder: Path, data: bytes) -> None:
    lists = folder / "lists.csv"
    lists.write_bytes(data)
    args = ["exposure", str(folder / "hand.yaml"), "--ledger", str(folder / "good.csv")]
    check([*args, "--memberships", str(lists)], folder / "s.csv")


OUTLOOK = b"""title: one branch
as_of: 2019-01-01
sources:
  s: {title: A source, date: 2019-01-01, url: https://example.org}
branches:
  flow: {file: flow.yaml, probability: 60 %, source: s}
  other: {file: flow.yaml, probability: 40 %, source: judgement}
"""


@fuzz(40)
@given(data=mutated(OUTLOOK))
def test_mutated_outlook(folder: Path, data: bytes) -> None:
    outlook = folder / "outlook.yaml"
    outlook.write_bytes(data)
    check(["sweep", str(outlook), "-n", "50", "--static", "-f", "csv"], folder / "sweep.csv")


PUBLISHED = b"""title: figures
sources:
  s: {title: A source, date: 2019-01-01, url: https://example.org}
figures:
  avg:
    kind: average_tariff
    importer: US
    exporter: CN
    date: 2019-05-01
    value: 20 %
    source: s
  year:
    kind: calendar_year_imports
    importer: US
    exporter: CN
    year: 2019
    value: 300 USD
    source: s
"""


@fuzz(30)
@given(data=mutated(PUBLISHED))
def test_mutated_published_figures(folder: Path, data: bytes) -> None:
    figures = folder / "figures.yaml"
    figures.write_bytes(data)
    args = ["backtest", str(folder / "flow.yaml"), "--published", str(figures), "--static"]
    check(args, folder / "comparison.csv")


def test_the_unmutated_files_run(folder: Path) -> None:
    """The seeds themselves succeed, so every exit 2 above comes from a mutation."""
    (folder / "lists.csv").write_bytes(MEMBERSHIPS)
    (folder / "outlook.yaml").write_bytes(OUTLOOK)
    (folder / "figures.yaml").write_bytes(PUBLISHED)
    hand, figures = str(folder / "hand.yaml"), str(folder / "figures.yaml")
    for args, out in (
        (["exposure", hand, "--ledger", str(folder / "good.csv")], "a.csv"),
        (
            [
                "exposure",
                hand,
                "--ledger",
                str(folder / "good.csv"),
                "--memberships",
                str(folder / "lists.csv"),
            ],
            "b.csv",
        ),
        (["sweep", str(folder / "outlook.yaml"), "-n", "50", "--static", "-f", "csv"], "c.csv"),
        (["backtest", str(folder / "flow.yaml"), "--published", figures, "--static"], "d.csv"),
    ):
        result = runner.invoke(app, [*args, "-o", str(folder / out)])
        assert result.exit_code == 0, result.output
    shutil.rmtree(folder / "unused", ignore_errors=True)
