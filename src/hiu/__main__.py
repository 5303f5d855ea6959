"""``python -m hiu``: the installed ``hiu`` command."""

from hiu.console import main

if __name__ == "__main__":
    main()
