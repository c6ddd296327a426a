"""Exports of a run for other tools: one row per commitment (CSV, Parquet) and PLOVER
event records."""
