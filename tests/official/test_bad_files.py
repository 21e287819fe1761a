"""Every reader refuses a truncated file, a file of another layout and Latin-1 bytes, located."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from tariffsim.errors import TariffsimError
from tariffsim.official.census import read_census_imports
from tariffsim.official.china_tariffs import read_china_tariffs
from tariffsim.official.hts_export import HtsExport, read_hts_export
from tariffsim.official.tariff_database import read_tariff_database

Reader = Callable[[Path], object]

GOOD = {
    "china_tariffs": "hts,hts_dotted,chapter99,list\n01012100,0101.21.00,9903.88.15,4A\n"
    "85011040,8501.10.40,9903.88.03,3\n",
    "tariff_database": "hts8,brief_description,mfn_text_rate\n01013000,Live asses,6.8%\n"
    "01019030,Mules,Free\n",
    "hts_export": "HTS Number,Indent,Description,General Rate of Duty\n"
    "0101.30.00,1,Asses,6.8%\n0101.90.30,1,Mules,Free\n",
    "census": "hts10,description,imports_usd,calculated_duty_usd\n"
    "0101300000,ASSES,100.0,6.0\n0101903000,MULES,50.0,0.0\n",
}
READERS: dict[str, Reader] = {
    "china_tariffs": lambda p: read_china_tariffs(p, edition="2020 Basic"),
    "tariff_database": lambda p: read_tariff_database(p, edition="2017"),
    "hts_export": lambda p: read_hts_export(p, edition="2020 Basic"),
    "census": lambda p: read_census_imports(p, period="2024", country_of_origin="CN"),
}


def _other_layout(name: str) -> str:
    return GOOD["census" if name != "census" else "china_tariffs"]


def _fails(reader: Reader, path: Path) -> str:
    with pytest.raises(TariffsimError) as caught:
        reader(path)
    message = caught.value.render()
    assert "\n" not in message and "Traceback" not in message
    return message


@pytest.mark.parametrize("name", sorted(READERS))
def test_good_fixture_reads(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text(GOOD[name])
    read = READERS[name](path)
    frame = read.mfn if isinstance(read, HtsExport) else read
    assert isinstance(frame, pd.DataFrame) and len(frame) == 2


@pytest.mark.parametrize("name", sorted(READERS))
def test_truncated_file_is_refused_at_its_last_line(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.csv"
    text = GOOD[name]
    path.write_text(text[: text.rindex(",")])  # cut inside the last row
    assert _fails(READERS[name], path).startswith(f"{path}:3: expected")


@pytest.mark.parametrize("name", sorted(READERS))
def test_unclosed_quote_is_refused_as_truncated(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.csv"
    header, first, _ = GOOD[name].split("\n", 2)
    path.write_text(f'{header}\n{first}\n"0101')
    message = _fails(READERS[name], path)
    assert message.startswith(f"{path}:3: unreadable CSV") and "truncated" in message


@pytest.mark.parametrize("name", sorted(READERS))
def test_other_layout_is_refused_at_the_header_naming_what_it_looks_like(
    name: str, tmp_path: Path
) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text(_other_layout(name))
    message = _fails(READERS[name], path)
    assert message.startswith(f"{path}:1: not ")
    assert "looks like" in message


@pytest.mark.parametrize("name", sorted(READERS))
def test_latin1_bytes_are_refused_at_their_line(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_bytes((GOOD[name] + "").replace("\n0101", "\n# café\n0101", 1).encode("latin-1"))
    message = _fails(READERS[name], path)
    assert message.startswith(f"{path}:2: not UTF-8 text: byte 0xe9")
    assert "iconv" in message


def test_truncated_workbook_is_refused_naming_the_file(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    pd.DataFrame({"hts8": ["01012100"], "list": ["4A"], "ch99_code": ["9903.88.15"]}).to_excel(
        good, index=False
    )
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:400])
    message = _fails(READERS["china_tariffs"], cut)
    assert message.startswith(f"{cut}: not a readable Excel workbook")
    assert "truncated" in message


def test_truncated_json_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "answer.json"
    path.write_text('[["I_COMMODITY","CTY_CODE","CON_VAL_MO","time"],\n["0101300000","5700",')
    assert _fails(read_census_imports, path).startswith(f"{path}:2: unreadable JSON")
