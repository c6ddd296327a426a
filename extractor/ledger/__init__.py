"""The ledger: one entry per real-world commitment across articles (GUIDELINES section 8).

Records of extraction runs (or gold files) are linked into entries by ``link``; ``entry``
builds an entry's timeline, ``store`` reads and writes the ledger, ``build`` joins runs.
"""
