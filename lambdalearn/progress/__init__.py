"""The learner's progress: one SQLite database with FSRS-scheduled cards, reviews, XP, lessons and notes.

Headless by design: nothing here imports Textual, so the CLI, the TUI and the tests share the same rules.
Open the database with `store.ProgressStore.open(paths.resolve_data_dir(...))`, then call the functions of
the module that owns the concept (`reviews`, `queue`, `xp`, `lessons`, `notes`, `streaks`, `stats`,
`settings`). Every learner action runs in one transaction.
"""
