"""The notes that already exist. Do not change this file: the checks read it too."""

NOTES = {
    "n-1": "Renew the TLS certificate before Friday",
    "n-2": "Ask finance about the arm64 savings",
}
