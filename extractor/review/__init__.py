"""See a run's results: a self-contained HTML review page, terminal tables, and a gold
file of corrections that ``extractor eval`` reads back."""
