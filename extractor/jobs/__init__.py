"""Corpus-scale jobs: concurrency, rate limits, the SQLite call log and cache, resume,
progress. Each module has one job; ``extractor.runner`` and ``extractor.cli`` wire them.

- ``pool``: ordered concurrent map with a bounded in-flight window (flat memory).
- ``ratelimit``: requests/tokens-per-minute token buckets and a backend wrapper.
- ``calldb``: the SQLite file, its pragmas and user_version migrations.
- ``calllog``: runs and calls, written and queried; secrets redacted.
- ``context``: which article (and attempt) the current thread's model calls belong to.
- ``cache``: the backend wrapper that logs every call and answers repeats from the log.
- ``resume``: repair and continue an interrupted ``-o`` file, exactly once per input.
- ``progress``: the stderr progress bar and the end-of-job summary.
- ``totals``: how many articles the inputs hold, for the bar's ETA.
- ``logs_cli``: ``extractor logs``.
"""
