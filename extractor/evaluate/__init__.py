"""Scoring runs against gold annotations (docs/REFERENCE.md section 5)."""
