"""Content packs: the manifest, lessons, question decks and lab folders, loaded into immutable models.

Headless by design: nothing here imports Textual, so the CLI, the TUI and the tests share one loader.
"""
