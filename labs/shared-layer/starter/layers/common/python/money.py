"""The layer's copy of the money helpers: both functions should import format_cents from here.

TODO: put format_cents here (see shared/money.py), then list the layer in function.yaml.
"""
