"""Official data in: the USITC and Census files a user downloads, read into tidy frames.

This wing turns the files the US government publishes into tariffsim's own tables, refusing a
file of the wrong layout, a truncated file or a wrong encoding with one located
:class:`~tariffsim.errors.TariffsimError`. Its modules, in pipeline order:

- :mod:`~tariffsim.official.tables` — a CSV, JSON or Excel file as text rows with their lines;
- :mod:`~tariffsim.official.ratetext` — rate-of-duty text (``6.8%``, ``2.4% + 5 cents/kg``)
  → ad valorem, specific and compound rates, or a reason it is not one;
- :mod:`~tariffsim.official.china_tariffs` — the USITC China Tariffs table → Section 301
  membership by HTS line, stamped with its HTS edition;
- :mod:`~tariffsim.official.tariff_database` — the USITC annual tariff database → MFN by
  HTS-8 line;
- :mod:`~tariffsim.official.hts_export` — a USITC HTS export of one revision → MFN by line and
  chapter 99 headings with their rates;
- :mod:`~tariffsim.official.census` — Census imports by HTS-10 × country × period → a ledger,
  or product weights for flows;
- :mod:`~tariffsim.official.mfn` — MFN by line from whichever of the two MFN layouts it is given;
- :mod:`~tariffsim.official.export` — the readers' frames as tariffsim's own tidy files
  (membership, MFN, chapter 99, ledger), written whole or not at all;
- :mod:`~tariffsim.official.report` — the counts ``tariffsim data`` prints about what it wrote.

Readers return pandas DataFrames and write nothing; only ``export`` writes.
"""
