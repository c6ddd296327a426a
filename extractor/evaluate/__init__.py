"""Scoring runs against gold annotations (SPEC section 6)."""
