"""Ledger files named by URL (s3://, gs://, memory://, file://), read through fsspec.

A URL is a protocol, ``://`` and a path; anything else is a local path. fsspec
(installed with the ``dask`` extra; each remote protocol needs its own package,
e.g. ``s3fs``) is imported only when a URL is given. No reading here: the file
system found is handed to :class:`tariffsim.ledger.reader.LedgerReader`.
"""

from __future__ import annotations

import re
from typing import Any

from tariffsim.errors import TariffsimError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def is_url(text: str) -> bool:
    """Whether ``text`` names a file by URL (``protocol://path``)."""
    return bool(_URL.match(text))


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec file system of a URL and the path within it."""
    try:
        import fsspec
    except ImportError:
        raise TariffsimError(
            "reading a ledger by URL needs fsspec",
            file=url,
            hint='pip install "tariffsim[dask]" (and s3fs, gcsfs, … for those protocols)',
        ) from None
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise TariffsimError(
            f"cannot open this URL ({exc})",
            file=url,
            hint="install the fsspec package of its protocol, e.g. s3fs for s3://",
        ) from None
    return fs, path


def qualified(fs: Any, path: str) -> str:
    """A path of ``fs`` as a URL again, so another process can open it."""
    return str(fs.unstrip_protocol(path))
