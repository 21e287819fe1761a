"""What every command shares to show and save results (imports ``scenario`` and ``model``).

- ``text``: aligned tables, money in $B, period adverbs, CSV text, event labels, source lines;
- ``edits``: the lines, footer sentence and JSON records that list what ``--set`` changed;
- ``csv_rows``: CSV text from tables of columns, in chunks, without pandas;
- ``files``: atomic writes, output-target checks, chart formats, ``save_figure``;
- ``emit``: one writer of table / CSV / JSON / Parquet for every command;
- ``style``: the house style of every chart.
"""
