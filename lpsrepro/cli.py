"""The ``lpsrepro`` command (also ``python -m lpsrepro``).

    lpsrepro build                         rebuild every notebook, figure and number
    lpsrepro build NOTEBOOK -p NAME VALUE  run one notebook with parameters (→ build/custom/)
    lpsrepro params NOTEBOOK               list a notebook's parameters with their comments
    lpsrepro simulate                      regenerate data/raw from the forward models
    lpsrepro report                        rewrite claims.json, manifest.json, REPORT.md from the
                                           committed notebooks without executing them

A mistake in the input (a bad parameter, a missing or malformed file) is
reported as one line, ``error: ...``, with exit status 2; a failing notebook
gives exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lpsrepro import __version__
from lpsrepro.errors import LpsreproError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lpsrepro", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"lpsrepro {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="execute notebooks; write figures, claims.json, manifest.json, REPORT.md")
    b.add_argument("notebooks", nargs="*", help="notebooks to run (default: all in notebooks/)")
    b.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                   help="set a notebook parameter (papermill semantics; repeatable)")
    b.add_argument("-o", "--output-dir", type=Path, default=None,
                   help="write here instead of the repository (default with -p: build/custom)")
    b.add_argument("-q", "--quiet", action="store_true", help="no per-cell progress bars")

    p = sub.add_parser("params", help="list a notebook's parameters")
    p.add_argument("notebook")

    s = sub.add_parser("simulate", help="regenerate the simulated stand-in data")
    s.add_argument("--only", action="append", default=None, metavar="NAME", help="one generator (repeatable)")
    s.add_argument("-o", "--output-dir", type=Path, default=None, help="write here instead of data/raw")

    sub.add_parser("report", help="rewrite the claims, manifest and report from the committed notebooks")
    return parser


def _cmd_build(args) -> int:
    from lpsrepro.build import build, parse_parameter_value

    parameters = {name: parse_parameter_value(value) for name, value in args.parameter}
    build(args.notebooks or None, parameters, output_dir=args.output_dir, progress_bar=not args.quiet)
    return 0


def _cmd_params(args) -> int:
    from lpsrepro.build import notebook_parameters, resolve_notebook

    notebook = resolve_notebook(args.notebook)
    print(f"Parameters of {notebook.name} (set them with: lpsrepro build {notebook.name} -p NAME VALUE)\n")
    for name, info in notebook_parameters(notebook).items():
        print(f"  {name} = {info['default']}")
        if info.get("help"):
            print(f"      {info['help']}")
    return 0


def _cmd_simulate(args) -> int:
    from lpsrepro import paths, simulate

    out = args.output_dir or paths.RAW
    print(f"regenerating stand-in data into {out}")
    simulate.run(out, only=args.only)
    return 0


def _cmd_report(args) -> int:
    from lpsrepro.build import refresh_from_committed

    refresh_from_committed()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    handler = {"build": _cmd_build, "params": _cmd_params, "simulate": _cmd_simulate, "report": _cmd_report}
    try:
        return handler[args.command](args)
    except LpsreproError as exc:
        from lpsrepro.build import NotebookFailed

        print(f"error: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, NotebookFailed) and not exc.user_error else 2
    except KeyboardInterrupt:
        print("interrupted; outputs of this run were not kept", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
