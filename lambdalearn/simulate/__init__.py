"""Lambda at scale: a discrete-event simulator of one account's functions under modelled traffic.

`scenario` reads and validates a scenario file, `engine` runs it with the runtime's own concurrency,
scaling and billing rules (`runtime/policy.py`, `runtime/billing.py`), `stats` keeps streaming percentiles and
`report` turns a result into a summary, charts, JSON or CSV. Nothing here imports Textual.
"""
