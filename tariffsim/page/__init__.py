"""tariffsim report: one self-contained HTML page of a run, to share.

Modules, in pipeline order: :mod:`~tariffsim.page.html` (escaping, tables, inline SVG, the
page's frame and style), :mod:`~tariffsim.page.sections` (the page's sections from results
and the frames the command line hands over), :mod:`~tariffsim.page.build` (the whole page).
"""
