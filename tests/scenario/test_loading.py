"""Safe YAML reading, line maps and ``extends`` merging."""

from __future__ import annotations

from pathlib import Path

import pytest

from tariffsim.errors import TariffsimError
from tariffsim.scenario.loading import parse_file, read_document


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_scalars_keep_their_text_where_yaml_11_would_change_them(tmp_path: Path) -> None:
    data, lines = parse_file(
        write(tmp_path, "a.yaml", "exporter: NO\nday: 2019-01-01\ncode: 0101.21\nn: 12\nx: 1.5e3\n")
    )
    assert data == {"exporter": "NO", "day": "2019-01-01", "code": 101.21, "n": 12, "x": 1500.0}
    assert lines[("n",)] == (str(tmp_path / "a.yaml"), 4)


def test_date_keys_are_canonical_so_schedules_merge(tmp_path: Path) -> None:
    data, _ = parse_file(write(tmp_path, "a.yaml", "schedule:\n  2019-1-1: 25 %\n"))
    assert data == {"schedule": {"2019-01-01": "25 %"}}


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "a: 1\nb: 2\na: 3\n")
    with pytest.raises(TariffsimError) as info:
        parse_file(path)
    assert info.value.line == 3
    assert "duplicate key 'a' (first on line 1)" in info.value.render()


def test_python_tags_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "a: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(TariffsimError, match=r"tag .* is not allowed"):
        parse_file(path)


def test_extends_merges_deeply_and_null_removes(tmp_path: Path) -> None:
    write(
        tmp_path,
        "base.yaml",
        "title: base\ntranches:\n  a:\n    label: A\n    schedule:\n"
        "      2019-01-01: 10 %\n      2019-06-01: 25 %\n",
    )
    child = write(
        tmp_path,
        "child.yaml",
        "extends: base.yaml\ntranches:\n  a:\n    schedule:\n"
        "      2019-06-01: null\n      2019-09-01: 15 %\n",
    )
    document = read_document(child)
    assert document.data["title"] == "base"
    assert document.data["tranches"]["a"]["schedule"] == {
        "2019-01-01": "10 %",
        "2019-09-01": "15 %",
    }
    assert document.locate(("tranches", "a", "schedule", "2019-09-01")) == (str(child), 6)
    assert document.locate(("tranches", "a", "label"))[0].endswith("base.yaml")  # type: ignore[index]


def test_extends_cycle_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(TariffsimError, match=r"cycle: a.yaml → b.yaml → a.yaml"):
        read_document(tmp_path / "a.yaml")


def test_missing_parent_points_at_the_extends_line(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "title: x\n")
    path = write(tmp_path, "a.yaml", "title: a\nextends: bsae.yaml\n")
    with pytest.raises(TariffsimError) as info:
        read_document(path)
    assert info.value.line == 2 and info.value.field == "extends"
    assert info.value.hint == "did you mean 'base.yaml'?"


def test_loading_pauses_the_collector_and_restores_it(tmp_path: Path) -> None:
    """The collector is off while a scenario loads, back on after a load or a failed one, and
    left off when the caller had turned it off."""
    import gc

    from tariffsim import load_scenario
    from tariffsim.scenario import validation

    seen: list[bool] = []
    original = validation.read_document

    def spy(path: str | Path) -> object:
        seen.append(gc.isenabled())
        return original(path)

    good = Path(__file__).resolve().parents[2] / "scenarios" / "escalate.yaml"
    bad = write(tmp_path, "bad.yaml", "name: x\ntranches: [\n")
    assert gc.isenabled()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validation, "read_document", spy)
        assert load_scenario(good).tranches
        assert gc.isenabled()
        with pytest.raises(TariffsimError):
            load_scenario(bad)
        assert gc.isenabled()
        gc.disable()
        try:
            load_scenario(good)
            assert not gc.isenabled()
        finally:
            gc.enable()
    assert seen == [False, False, False]


def test_the_files_of_a_scenario_just_read_are_not_parsed_again(tmp_path: Path) -> None:
    """A manifest asks for the files a scenario was read from: remembered from the read while
    none of them changed, read again (with the new chain) when one did."""
    import os

    from tariffsim.scenario import loading

    write(tmp_path, "base.yaml", "title: base\n")
    write(tmp_path, "mid.yaml", "extends: base.yaml\nmemberships: lists.csv\n")
    top = write(tmp_path, "top.yaml", "extends: mid.yaml\nname: top\n")
    parsed: list[str] = []
    original = loading.parse_file

    def counting(path: Path) -> object:
        parsed.append(Path(path).name)
        return original(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loading, "parse_file", counting)
        document = read_document(top)
        chain = loading.files_of(top)
        assert parsed == ["top.yaml", "mid.yaml", "base.yaml"]  # once, by read_document
        assert chain.files == tuple(document.files)
        assert [Path(f).name for f in chain.files] == ["top.yaml", "mid.yaml", "base.yaml"]
        assert chain.memberships == str(tmp_path / "lists.csv")
        # the middle file now names no memberships and extends nothing
        mid = tmp_path / "mid.yaml"
        mid.write_text("title: mid, longer now\n", encoding="utf-8")
        os.utime(mid, ns=(1, 1))  # a different stamp even on a coarse clock
        again = loading.files_of(top)
    assert parsed[3:] == ["top.yaml", "mid.yaml"]
    assert [Path(f).name for f in again.files] == ["top.yaml", "mid.yaml"]
    assert again.memberships is None


def test_the_run_manifest_lists_every_file_the_scenario_read(tmp_path: Path) -> None:
    """Through the real command: ``run -o x.json`` embeds the chain and its hashes."""
    import hashlib
    import json
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    for name in ("base.yaml", "escalate.yaml"):
        shutil.copy(root / "scenarios" / name, tmp_path / name)
    out = tmp_path / "x.json"
    subprocess.run(
        [sys.executable, "-m", "tariffsim", "run", "escalate.yaml", "-o", str(out)],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    entries = json.loads(out.read_text(encoding="utf-8"))[0]["manifest"]["inputs"]
    assert [(e["role"], e["path"]) for e in entries] == [
        ("scenario", "escalate.yaml"),
        ("scenario extends", "base.yaml"),
    ]
    for entry in entries:
        digest = hashlib.sha256((tmp_path / entry["path"]).read_bytes()).hexdigest()
        assert entry["sha256"] == digest
