"""The mini-Lambda: a small, faithful local AWS Lambda for Python handlers.

Where things are:
- `service.LambdaRuntime` (asyncio) and `service.SyncLambdaRuntime`: the Python API labs and the TUI use;
- `config.FunctionConfig` and `billing`: a function's configuration with Lambda's limits, and prices;
- `environment`: one execution environment (a process, frozen between invocations);
- `api_server`: the Lambda Runtime API on loopback; `bootstrap`: our runtime client inside the environment;
- `zygote` and `launcher`: how environments are started (a pre-initialised fork server by default);
- `records`: invocation records and Lambda's wording; `events`, `clock`, `logs`, `procfs`: the plumbing.

Nothing here imports textual; the bootstrap imports only the standard library.
"""
