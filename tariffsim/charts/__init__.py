"""tariffsim's charts, in three layers that Tax-Calculator's ``utils`` taught us to keep apart.

- :mod:`tariffsim.charts.data`: pure functions turning results into the tidy frames drawn
  (no matplotlib);
- :mod:`tariffsim.charts.style`: the one house style: palette, line styles, axes, footer,
  event labels;
- :mod:`tariffsim.charts.compare`: drawing the comparison charts (each returns a Figure).

Saving is :func:`tariffsim.plotting.save_figure` (atomic). matplotlib is imported only by the
drawing modules, on first use, with no pyplot and no GUI backend.
"""
