"""``tariffsim explain`` through the real entry point: the stack table, and bad input."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import SCENARIOS
from tests.stacks import STEEL_2025, write

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_explain_prints_the_stack_with_the_rule_that_excluded(tmp_path: Path) -> None:
    path = write(tmp_path, STEEL_2025 % {"steel": "72"})
    code, out, err = invoke(
        "explain", str(path), "--hts", "7208.10.15", "--origin", "cn", "--date", "2025-06-04"
    )
    assert code == 0, err
    rows = {line.split()[0]: line for line in out.splitlines() if line[:1].isalpha()}
    assert rows["steel232"].split()[1:6] == ["section232", "50", "%", "50", "%"]
    assert rows["fentanyl"].split()[2:6] == ["20", "%", "20", "%"]
    assert (
        "excluded: precedence 'metals': section232 excludes ieepa_reciprocal" in rows["reciprocal"]
    )
    assert "additional rate 70 %, base (MFN) rate 0 %, total 70 %" in out
    assert "by authority: ieepa_fentanyl 20 %, section232 50 %" in out


def test_explain_a_phone_pays_the_reciprocal_tariff(tmp_path: Path) -> None:
    path = write(tmp_path, STEEL_2025 % {"steel": "72"})
    code, out, err = invoke(
        "explain", str(path), "--hts", "8517.13.00", "--origin", "CN", "--date", "2025-06-01"
    )
    assert code == 0, err
    assert "not covered: not among its products" in out
    assert "additional rate 30 %" in out


def test_explain_refuses_a_bad_date_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, STEEL_2025 % {"steel": "72"})
    code, _, err = invoke("explain", str(path), "--hts", "72", "--origin", "CN", "--date", "June")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("tariffsim: error: --date: expected a date")


def test_explain_says_when_a_tranche_names_no_products_or_no_step_applies() -> None:
    """hold's Lists 1-3 get their products from a membership file; its next round never starts.

    Without the file, "not among its products" would read as "8501 is on no list".
    """
    args = ["--hts", "8501.10", "--origin", "CN", "--date", "2019-02-01"]
    code, out, err = invoke("explain", str(SCENARIOS / "hold.yaml"), *args)
    assert code == 0, err
    rows = {line.split()[0]: line for line in out.splitlines() if line[:1].isalpha()}
    for tranche in ("list1", "list2", "list3"):
        assert (
            "not covered: it names no products (give its lists with --memberships)"
            in (rows[tranche])
        )
    assert "not in force: no step of its schedule applies" in rows["next-round"]
    listed = SCENARIOS.parent / "docs" / "examples" / "section301-illustrative.csv"
    code, out, err = invoke(
        "explain", str(SCENARIOS / "hold.yaml"), *args, "--memberships", str(listed)
    )
    rows = {line.split()[0]: line for line in out.splitlines() if line[:1].isalpha()}
    assert "applied" in rows["list1"] and "not among its products" in rows["list2"]


def test_explain_names_the_base_authority_as_the_docs_write_it(tmp_path: Path) -> None:
    """An MFN of 2.5 % shows as 'MFN 2.5 %' in the split, as in '(MFN ...)' of exposure."""
    text = (STEEL_2025 % {"steel": "72"}).replace("{2000-01-01: 0 %}", "{2000-01-01: 2.5 %}")
    path = write(tmp_path, text)
    code, out, err = invoke(
        "explain", str(path), "--hts", "7208.10.15", "--origin", "CN", "--date", "2025-06-04"
    )
    assert code == 0, err
    assert "base (MFN) rate 2.5 %, total 72.5 %" in out  # 20 % + 50 % on top of 2.5 %
    assert "by authority: MFN 2.5 %, ieepa_fentanyl 20 %, section232 50 %" in out
