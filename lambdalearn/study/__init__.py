"""Study sessions: choosing questions from the loaded packs and recording answers in the progress store.

Headless: the line-mode quiz and the Textual app both drive these services.
"""
