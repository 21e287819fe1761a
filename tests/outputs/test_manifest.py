"""The manifest of a run: hashes of every input, options, seed; stable bytes; beside every file."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.outputs.files import manifest_path
from tariffsim.outputs.manifest import sha256_of
from tests.conftest import ROOT, SCENARIOS

runner = CliRunner()


def invoke(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.stderr


def read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_sha256_is_the_standard_digest(tmp_path: Path) -> None:
    f = tmp_path / "abc"
    f.write_bytes(b"abc")  # FIPS 180-2's first example
    assert sha256_of(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    big = tmp_path / "big"
    big.write_bytes(bytes(range(256)) * 10_000)  # more than one read chunk
    assert sha256_of(big) == hashlib.sha256(big.read_bytes()).hexdigest()


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    """hold.yaml and the base.yaml it extends, copied where a test may edit them."""
    for name in ("hold.yaml", "base.yaml"):
        shutil.copy(SCENARIOS / name, tmp_path / name)
    return tmp_path


def test_outputs_and_manifest_are_byte_identical_run_to_run(chain: Path) -> None:
    out, plot = chain / "out" / "hold.csv", chain / "out" / "hold.svg"
    out.parent.mkdir()
    seen = []
    for _ in range(2):
        invoke("run", str(chain / "hold.yaml"), "-o", str(out), "--plot", str(plot))
        seen.append([p.read_bytes() for p in (out, manifest_path(out), plot, manifest_path(plot))])
    assert seen[0] == seen[1]
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "hold.csv",
        "hold.csv.manifest.json",
        "hold.svg",
        "hold.svg.manifest.json",
    ]


def test_a_changed_input_changes_its_hash_and_nothing_else(chain: Path) -> None:
    out = chain / "hold.csv"
    invoke("run", str(chain / "hold.yaml"), "-o", str(out))
    before, table = read(manifest_path(out)), out.read_bytes()
    with open(chain / "base.yaml", "a", encoding="utf-8") as f:
        f.write("# a comment changes the bytes, not the numbers\n")
    invoke("run", str(chain / "hold.yaml"), "-o", str(out))
    after = read(manifest_path(out))
    assert out.read_bytes() == table
    changed = [
        (b["path"], a["sha256"])
        for a, b in zip(after["inputs"], before["inputs"], strict=True)
        if a != b
    ]
    assert changed == [((chain / "base.yaml").as_posix(), sha256_of(chain / "base.yaml"))]
    assert {k: v for k, v in after.items() if k != "inputs"} == {
        k: v for k, v in before.items() if k != "inputs"
    }
    roles = [i["role"] for i in after["inputs"]]
    assert roles == ["scenario", "scenario extends"]


def test_json_embeds_the_manifest_with_options(chain: Path) -> None:
    out = chain / "cmp.json"
    invoke(
        "compare",
        str(chain / "hold.yaml"),
        str(SCENARIOS / "escalate.yaml"),
        "--mode",
        "static",
        "--set",
        "title=x",
        "-o",
        str(out),
    )
    manifest = read(out)["manifest"]
    assert not manifest_path(out).exists()  # inside the JSON, not beside it
    assert manifest["command"] == "compare"
    assert manifest["options"]["mode"] == "static"
    assert manifest["options"]["set"] == ["title=x"]
    hashes = {Path(i["path"]).name: i["sha256"] for i in manifest["inputs"]}
    assert hashes["escalate.yaml"] == sha256_of(SCENARIOS / "escalate.yaml")
    assert hashes["base.yaml"] in (sha256_of(chain / "base.yaml"),)
    assert manifest["versions"]["tariffsim"]


def test_a_sweep_names_the_outlook_its_branches_and_the_seed(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    invoke("sweep", str(SCENARIOS / "outlook.yaml"), "-n", "20", "--seed", "7", "-o", str(out))
    manifest = read(manifest_path(out))
    assert manifest["seed"] == 7
    names = {(i["role"], Path(i["path"]).name) for i in manifest["inputs"]}
    assert ("outlook", "outlook.yaml") in names
    assert {("scenario", n) for n in ("escalate.yaml", "hold.yaml", "ceasefire.yaml")} <= names
    assert ("scenario extends", "base.yaml") in names
    assert len(manifest["inputs"]) == len({(i["path"]) for i in manifest["inputs"]})


def test_exposure_hashes_the_ledger_and_memberships(tmp_path: Path) -> None:
    ledger, out = tmp_path / "ledger.csv", tmp_path / "summary.csv"
    invoke("synth-ledger", "--rows", "200", "-o", str(ledger))
    members = ROOT / "docs" / "examples" / "section301-illustrative.csv"
    invoke(
        "exposure",
        str(SCENARIOS / "hold.yaml"),
        "--ledger",
        str(ledger),
        "--memberships",
        str(members),
        "-o",
        str(out),
    )
    hashes = {i["role"]: i["sha256"] for i in read(manifest_path(out))["inputs"]}
    assert hashes["ledger"] == sha256_of(ledger)
    assert hashes["memberships"] == sha256_of(members)
