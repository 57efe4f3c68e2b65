"""Units in stock per SKU: a stand-in for the warehouse database.

Do not change this file: the lab restores it before every check run.
"""

STOCK = {
    "TEA-EARLGREY-250": 12,
    "TEA-SENCHA-100": 3,
    "MUG-STONE-WHITE": 40,
}
