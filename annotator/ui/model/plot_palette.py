"""pyqtgraph plots in the window's own colours: the Training panel's curves and the Evaluation panel's plots.

pyqtgraph draws on black with grey axes whatever the Qt palette says; `apply_plot_palette` gives a plot the
palette's Base background and its Text colour on both axes, so a plot reads like the rest of the panel, light by
default and dark under a dark palette (the widgets call it again on a palette change).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QPalette


def apply_plot_palette(plot: pg.PlotWidget, palette: QPalette) -> None:
    """Background from ``palette``'s Base, the left and bottom axes (lines and tick labels) in its Text colour."""
    text = palette.color(QPalette.ColorRole.Text)
    plot.setBackground(palette.color(QPalette.ColorRole.Base))
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(text)
        axis.setTextPen(text)
