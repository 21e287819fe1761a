"""Hostile and broken scenario files: never a traceback, a hang or a lost file.

Hypothesis writes malformed scenario files — wrong types anywhere, deep
nesting, huge and tiny numbers, NaN and infinity, negatives, dates out of
range, duplicate keys, alias bombs, non-UTF-8 bytes, oversized files, tags
that try to construct Python objects, ``extends`` at a directory, itself, a
missing file or outside the folder tree — and runs ``validate`` and
``run --output`` on each through typer's ``CliRunner``. Whatever arrives:

* the exit code is 2 (or 0 when the file happens to be valid; then ``run``
  succeeds too);
* a user error is exactly one stderr line naming a file of the scenario
  (and its line where the failure has one), never a traceback;
* the previous output file is untouched and no temporary file is left;
* nothing a file contains is executed;
* each example finishes within hypothesis' (generous) deadline and under a
  virtual-memory limit, so a bomb shows up as a failure, not a stuck CI.

CI runs a fixed, derandomized set of examples. A long randomized run:
``TARIFFSIM_FUZZ_EXAMPLES=5000 python -m pytest tests/properties/test_hostile_inputs.py``.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.scenario.yamlfile import MAX_DEPTH, MAX_FILE_BYTES

LONG_RUN = "TARIFFSIM_FUZZ_EXAMPLES" in os.environ


def fuzz(examples: int) -> settings:
    """CI: a fixed, derandomized set of ``examples``; a long run: random, as many as asked."""
    return settings(
        max_examples=int(os.environ.get("TARIFFSIM_FUZZ_EXAMPLES", examples)),
        derandomize=not LONG_RUN,
        database=None,
        deadline=timedelta(seconds=10),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


MEMORY_HEADROOM = 1024**3
"""Address space one example may add [bytes]; an alias or number bomb would exceed it."""

PREVIOUS = "previous output\n"

VALID: dict[str, Any] = {
    "title": "Fuzz",
    "as_of": "2018-11-16",
    "sources": {"s": {"title": "A source", "date": "2018-09-21", "url": "https://example.org"}},
    "horizon": {"start": "2019-01-01", "end": "2019-12-31", "step": "month"},
    "tranches": {
        "t": {
            "label": "T",
            "importer": "US",
            "exporter": "CN",
            "imports": {"value": "200 billion USD/year", "source": "s"},
            "base_rate": "3 %",
            "schedule": {
                "2019-01-01": {"rate": "25 %", "source": "s", "status": "in_force"},
                "2019-06-01": "10 %",
            },
        }
    },
}


@contextlib.contextmanager
def _bounded_memory() -> Iterator[None]:
    """Cap the address space one example may add; a bomb then fails as a MemoryError."""
    if not sys.platform.startswith("linux"):  # the cap reads /proc; elsewhere run uncapped
        yield
        return
    import resource

    page = os.sysconf("SC_PAGE_SIZE")
    in_use = int(Path("/proc/self/statm").read_text().split()[0]) * page
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = in_use + MEMORY_HEADROOM
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture(scope="module", autouse=True)
def _warm_up(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Run a valid file once first: imports and allocator pools (pyarrow's reserves a large
    address range on first use) are then in place before any example is capped."""
    folder = tmp_path_factory.mktemp("warm")
    path = folder / "valid.yaml"
    path.write_text(VALID_TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(path), "-f", "csv", "-o", str(folder / "o.csv")])
    assert result.exit_code == 0, result.output


# --- strategies ------------------------------------------------------------------------------


def _paths(data: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*prefix, key)))
    return found


PATHS = _paths(VALID)


def _nested(depth: int, leaf: Any = "x") -> Any:
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


dates = st.builds(
    lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
    st.integers(0, 99999),
    st.integers(0, 13),
    st.integers(0, 32),
)
unit_texts = st.builds(
    lambda number, unit: f"{number} {unit}",
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(10**30), 10**30),
        st.sampled_from(["1e999", "-1e999", "1e-320", "0", "-0", "10**10**10", "9" * 100]),
    ),
    st.sampled_from(
        ["%", "percent", "USD/year", "billion USD/year", "USD/month", "USD", "kg", "USD/0", ""]
    ),
)
hostile_values: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**40), 10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    dates,
    unit_texts,
    st.sampled_from(["US", "CN", "UK", "XX", "", "NO", "in_force", "day", "s", "nope.yaml"]),
    st.integers(1, 3 * MAX_DEPTH).map(_nested),
    st.lists(st.integers(), max_size=5),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=4),
    st.integers(0, 200_000).map(lambda n: "x" * n),
)


@st.composite
def mutated_scenarios(draw: st.DrawFn) -> bytes:
    """The valid scenario with one to three values replaced, removed or added, as YAML."""
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        *parents, last = path
        node: Any = data
        for key in parents:
            node = node.get(key) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            continue
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            node[last] = draw(hostile_values)
        elif action == "remove":
            node.pop(last, None)
        else:
            node[draw(st.one_of(st.text(max_size=12), dates))] = draw(hostile_values)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


VALID_TEXT = yaml.safe_dump(VALID, sort_keys=False)


@st.composite
def damaged_bytes(draw: st.DrawFn) -> bytes:
    """The valid file's bytes with raw damage: inserted bytes, a repeated line, a cut."""
    raw = VALID_TEXT.encode("utf-8")
    kind = draw(st.sampled_from(["insert", "repeat_line", "truncate", "garbage"]))
    if kind == "insert":
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    if kind == "repeat_line":  # duplicate keys, mostly
        lines = raw.splitlines(keepends=True)
        at = draw(st.integers(0, len(lines) - 1))
        return b"".join([*lines[: at + 1], lines[at], *lines[at + 1 :]])
    if kind == "truncate":
        return raw[: draw(st.integers(0, len(raw)))]
    return draw(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))


def _bomb(width: int, depth: int) -> str:
    rows = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, depth + 1):
        rows.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(rows) + "\n"


TAGS = [
    "!!python/object/apply:os.system [touch {marker}]",
    "!!python/object/new:subprocess.Popen [[touch, {marker}]]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!binary aGVsbG8=",
    "!!timestamp 2019-01-01",
    "!!set {{a: null}}",
    "!!omap [a: 1]",
    "!include {marker}",
    "!<tag:yaml.org,2002:python/object:os.system> {{}}",
]


@st.composite
def crafted_texts(draw: st.DrawFn, marker: str) -> bytes:
    """Hand-shaped attacks: alias bombs, object tags, merge keys, deep nesting, big files."""
    kinds = ["bomb", "loop", "escape", "tag", "merge", "deep", "large", "long_line"]
    kind = draw(st.sampled_from(kinds))
    if kind == "bomb":
        return _bomb(draw(st.integers(2, 12)), draw(st.integers(1, 12))).encode()
    if kind == "loop":  # an alias inside its own anchor
        loop = draw(st.sampled_from(["&x [a, *x]", "&x {k: *x}", "&x [[[*x]]]"]))
        return VALID_TEXT.replace("label: T", f"label: {loop}").encode()
    if kind == "escape":  # characters a terminal would obey, or UTF-8 cannot hold
        code = draw(st.sampled_from(["\\e[2J", "\\x1b]0;t\\x07", "\\ud800", "\\x00", "\\x9b"]))
        line = draw(st.sampled_from(["title: Fuzz", "label: T", "importer: US", "source: s"]))
        key, value = line.split(": ")
        return VALID_TEXT.replace(line, f'{key}: "{code}{value}"', 1).encode()
    if kind == "tag":
        tag = draw(st.sampled_from(TAGS)).format(marker=marker)
        return VALID_TEXT.replace("label: T", f"label: {tag}").encode()
    if kind == "merge":
        return VALID_TEXT.replace("  t:\n", "  t:\n    <<: {label: M}\n").encode()
    if kind == "deep":
        depth = draw(st.integers(MAX_DEPTH - 5, 20 * MAX_DEPTH))
        flow = "[" * depth + "]" * depth
        block = "".join("  " * i + "k:\n" for i in range(depth))
        body = draw(st.sampled_from([f"description: {flow}\n", "description:\n" + block]))
        return (VALID_TEXT + body).encode()
    if kind == "large":
        size = MAX_FILE_BYTES + draw(st.integers(1, 1000))
        padding = b"#" * 70 + b"\n"
        raw = VALID_TEXT.encode()
        return raw + padding * ((size - len(raw)) // len(padding) + 1)
    # one enormous value just under the size limit
    size = draw(st.integers(1000, MAX_FILE_BYTES - 1000))
    return (VALID_TEXT + "description: " + "y" * size + "\n").encode()


# --- the property ------------------------------------------------------------------------------


def _check(folder: Path, scenario: Path) -> int:
    """Run ``validate`` and ``run --output`` on ``scenario``; check; return the exit code."""
    out = folder / "out" / "result.csv"
    out.parent.mkdir(exist_ok=True)
    out.write_text(PREVIOUS, encoding="utf-8")
    runner = CliRunner()
    with _bounded_memory():
        checked = runner.invoke(app, ["validate", str(scenario)])
        ran = runner.invoke(app, ["run", str(scenario), "-f", "csv", "-o", str(out)])
    for result in (checked, ran):
        if result.exit_code not in (0, 2):  # a bug: show its traceback
            raise AssertionError(result.stderr) from result.exception
        assert "Traceback" not in result.output
    assert checked.exit_code == ran.exit_code, (checked.stderr, ran.stderr)
    leftovers = [p.name for p in out.parent.iterdir() if p != out]
    # a run that wrote its output writes its manifest beside it; a refused one writes nothing
    assert leftovers == (["result.csv.manifest.json"] if ran.exit_code == 0 else [])
    if ran.exit_code == 0:
        assert out.read_text(encoding="utf-8").startswith("scenario,mode,tranche,")
        return 0
    for result in (checked, ran):
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        # file[:line]: ... — the file is one of the scenario's own (all live under folder)
        place = re.escape(str(folder)) + r"[^:\n]*(:\d+)?: \S"
        assert re.match("tariffsim: error: " + place, lines[0]), lines[0]
    assert out.read_text(encoding="utf-8") == PREVIOUS
    return 2


def _write(folder: Path, name: str, raw: bytes) -> Path:
    path = folder / name
    path.write_bytes(raw)
    return path


@fuzz(40)
@given(raw=st.one_of(mutated_scenarios(), damaged_bytes()))
def test_malformed_files_give_one_line_and_keep_outputs(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _check(folder, _write(folder, "scenario.yaml", raw))


@fuzz(20)
@given(data=st.data())
def test_attacks_are_refused_and_nothing_runs(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        marker = folder / "PWNED"
        raw = data.draw(crafted_texts(str(marker)))
        code = _check(folder, _write(folder, "scenario.yaml", raw))
        assert not marker.exists()
        refused = (b"<<", b"!!python", b"*x", b'"\\')  # merge key, object tag, loop, escape
        if any(mark in raw for mark in refused) or len(raw) > MAX_FILE_BYTES:
            assert code == 2


def test_duplicate_key_names_its_line(tmp_path: Path) -> None:
    raw = VALID_TEXT.replace("  t:\n", "  t:\n    label: again\n").encode()
    path = _write(tmp_path, "dup.yaml", raw)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert re.match(
        rf"tariffsim: error: {re.escape(str(path))}:\d+: tranches\.t\.label: ", result.stderr
    )


EXTENDS_TARGETS = st.sampled_from(
    [
        "sub",  # a directory
        "scenario.yaml",  # itself
        "./scenario.yaml",
        "missing.yaml",
        "../outside.yaml",  # exists, but above the folder
        "/etc/hostname",
        "sub/../../outside.yaml",
        "sub/parent.yaml",  # a valid parent, or a hostile one
        "sub/cycle.yaml",
        "",
        "sub/chain0.yaml",
    ]
)


@fuzz(40)
@given(
    target=EXTENDS_TARGETS,
    parent=st.one_of(st.just(VALID_TEXT.encode()), mutated_scenarios(), damaged_bytes()),
    chain=st.integers(1, 20),
)
def test_extends_anywhere_is_safe(target: str, parent: bytes, chain: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        outer = Path(tmp)
        _write(outer, "outside.yaml", VALID_TEXT.encode())
        folder = outer / "tree"
        (folder / "sub").mkdir(parents=True)
        _write(folder / "sub", "parent.yaml", parent)
        _write(folder / "sub", "cycle.yaml", b"extends: ../scenario.yaml\n")
        for i in range(chain):  # a chain of parents, longer than allowed when chain > 16
            nxt = f"extends: chain{i + 1}.yaml\n" if i + 1 < chain else VALID_TEXT
            _write(folder / "sub", f"chain{i}.yaml", nxt.encode())
        raw = f"extends: {target!r}\ntitle: child\n".encode()
        code = _check(folder, _write(folder, "scenario.yaml", raw))
        if target not in ("sub/parent.yaml", "sub/chain0.yaml"):
            assert code == 2


@fuzz(10)
@given(name=st.sampled_from(["missing.yaml", "", ".", "sub", "sub/"]))
def test_unreadable_arguments(name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "sub").mkdir()
        path = folder / name if name else folder
        result = CliRunner().invoke(app, ["validate", str(path)])
        assert result.exit_code == 2, result.output
        assert len(result.stderr.splitlines()) == 1
        assert "Traceback" not in result.output
