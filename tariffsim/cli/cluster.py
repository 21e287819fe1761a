"""The Dask client of ``--scheduler ADDRESS`` and ``--dask``: made only when asked for."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from tariffsim.errors import TariffsimError

SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run on the Dask cluster of this scheduler, e.g. tcp://10.0.0.5:8786 "
        '(pip install "tariffsim[dask]").',
    ),
]
DaskOption = Annotated[
    bool,
    typer.Option("--dask", help="Run on a Dask cluster of this machine's cores, started here."),
]


@contextmanager
def dask_client(scheduler: str | None, local: bool) -> Iterator[Any]:
    """A ``distributed.Client`` for ``--scheduler`` or ``--dask``; None when neither is given."""
    if scheduler is None and not local:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise TariffsimError(
            "Dask is not installed",
            field="--scheduler" if scheduler else "--dask",
            hint='pip install "tariffsim[dask]"',
        ) from None
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise TariffsimError(
                f"cannot reach the Dask scheduler at {scheduler} ({exc})", field="--scheduler"
            ) from None
        with client:
            yield client
        return
    from tariffsim.ledger.parallel import available_cores

    cluster = LocalCluster(
        n_workers=available_cores(), threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, Client(cluster) as client:
        yield client
