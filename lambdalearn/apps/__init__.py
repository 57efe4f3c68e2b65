"""Event-driven apps: a SAM template and its resources run locally on the mini-runtime.

`template` reads and validates the template into a model; `services` holds the local queues, topics, streams,
tables and buckets; `invoke_async` and `mappings` deliver events to functions as Lambda would; `run` performs a
script of actions and writes the timeline; `deploy` shifts an alias gradually; `url` and `url_server` put a
function behind a local function URL. Nothing here imports Textual.
"""
