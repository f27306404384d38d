"""``python -m lpsrepro`` is the same as the ``lpsrepro`` command."""

from lpsrepro.cli import main

if __name__ == "__main__":  # not when multiprocessing re-imports the main module in a helper process
    raise SystemExit(main())
