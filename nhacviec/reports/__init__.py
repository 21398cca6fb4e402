"""Figures, the chart and the Excel workbook, computed from storage for every view."""
