"""The ``exposure`` wing: an importer's own ledger priced line by line.

- ``reader``, ``columns``: a ledger read in checked chunks, as arrays;
- ``coverage``: membership files and which measures cover a line on a date;
- ``mfn``: an MFN file by HTS-8 line, and each line's MFN duty (``--mfn``);
- ``forms``: each measure's duty forms on each key, as arrays;
- ``lines``: the forms priced line by line (specific parts on quantities, all-in floors and
  caps on the line's MFN, value shares from ``metal_share``, invalidated measures' deposits);
- ``periods``: calendar-aligned reporting periods;
- ``refunds``: the ledger's duty under invalidated measures: deposited, owed and refunded;
- ``cents``: money in whole cents and fixed-point parts, so every sum is exact; cents in text;
- ``pricing``: every line priced under each scenario, streaming, into running sums;
- ``sums``: those sums, exact in any order, and how parts of a ledger merge;
- ``summary``: the merged sums as the exposure tables (the summary frame);
- ``parallel``: a Parquet ledger's row groups priced in several processes (``--workers``);
- ``cluster``: a folder or glob of Parquet files priced on a Dask cluster (``--scheduler``);
- ``report``: line files, the summary file, progress;
- ``table``: the text table, money to the cent;
- ``indices``: the ledger's average tariff line by line and by HS-6 subheading (``--index``);
- ``steps``: the ledger's value priced at every step of a history, by authority, and the
  refunds of invalidated measures by fiscal year (``--steps``);
- ``synth``: synthetic ledgers for trying and testing.
"""
