"""OpenAI Batch API jobs: ``extractor batch submit | status | collect``.

Half the price of live calls and no rate-limit juggling, at the cost of up to 24 hours'
latency and no re-asks: an answer that fails validation is final (an error line).
``requests`` renders the request file, ``jobs`` keeps the local record of a submission,
``client`` talks to /v1/files and /v1/batches, ``collect`` turns results into output lines.
"""
