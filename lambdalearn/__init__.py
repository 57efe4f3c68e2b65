"""lambdalearn: learn AWS Lambda in the terminal."""

__version__ = "0.1.0"
