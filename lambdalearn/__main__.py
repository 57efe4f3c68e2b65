"""Allow `python -m lambdalearn`."""

from lambdalearn.cli import main

if __name__ == "__main__":
    main()
