"""``python -m lpsrepro`` is the same as the ``lpsrepro`` command."""

from lpsrepro.cli import main

raise SystemExit(main())
