"""The ``lpsrepro`` command (also ``python -m lpsrepro``).

A mistake in the input (a bad parameter, a missing or malformed file) is
reported as one line, ``error: ...``, with exit status 2; a failing notebook
gives exit status 1; Ctrl-C stops a build with one line and exit status 130.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lpsrepro import __version__
from lpsrepro.errors import LpsreproError

DESCRIPTION = """\
Reproduce the figures and numbers of Wu et al., J. Am. Ceram. Soc. 105 (2022) 7344
(doi:10.1111/jace.18728) by running the compendium's notebooks on the bundled data or your own,
and compare every number with the paper (figures/REPORT.md)."""

EXAMPLES = """\
examples:
  lpsrepro build                              rebuild what changed (notebooks, figures, REPORT.md)
  lpsrepro build --force                      rebuild everything
  lpsrepro build 32_membrane --dry-run        say whether notebook 32 would run, and why
  lpsrepro params 32_membrane                 list notebook 32's parameters
  lpsrepro build 32_membrane -p eis_file my.z -p thickness_nm 480     your data (→ build/custom/)
  lpsrepro build 31b_reaction_kinetics -p dual_times_min '[30, 90]' -f my-params.yaml
  lpsrepro sweep membrane --grid electrode_diameter_mm=1:4:7  a section over a parameter grid (dask)
  lpsrepro sweep performance --sensitivity morris             which assumptions move which numbers
  lpsrepro sweep all --sensitivity morris --only-stale        refresh every stale cached sensitivity
  lpsrepro sweep membrane --grid electrode_diameter_mm=1:4:400 -o big.zarr   a sweep larger than memory (Zarr)
  lpsrepro explore                                            every section's widgets in one dashboard"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lpsrepro", description=DESCRIPTION, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"lpsrepro {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", title="commands")

    b = sub.add_parser("build", help="run the notebooks whose inputs changed; write figures, claims, REPORT.md",
                       description="Run the notebooks whose inputs changed (all with --force) and publish "
                       "the executed notebooks, figures, claims.json, manifest.json and REPORT.md as one set.")
    b.add_argument("notebooks", nargs="*", help="notebooks to build (default: all in notebooks/)")
    b.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"), default=[],
                   help="set a notebook parameter; VALUE is a number, True/False/None, a JSON or YAML list "
                   "or mapping ('[1, 2]'), or text; relative file paths start from the current folder")
    b.add_argument("-f", "--parameters-file", type=Path, default=None, metavar="PARAMS.yaml",
                   help="read parameters from a YAML file of NAME: VALUE lines (relative file paths "
                   "start from the file's folder); -p values override it")
    b.add_argument("-o", "--output-dir", type=Path, default=None,
                   help="write here instead of the repository (default with parameters: build/custom)")
    b.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="notebooks run at once (default: the number of cores)")
    b.add_argument("--force", action="store_true", help="run every notebook, ignoring the cache")
    b.add_argument("-n", "--dry-run", action="store_true", help="say which notebooks would run and why; change nothing")
    b.add_argument("-q", "--quiet", action="store_true", help="print only errors and the final summary")

    p = sub.add_parser("params", help="list a notebook's parameters, their defaults and what they accept")
    p.add_argument("notebook")

    s = sub.add_parser("simulate", help="regenerate the simulated stand-in data in data/raw")
    s.add_argument("--only", action="append", default=None, metavar="NAME", help="one generator (repeatable)")
    s.add_argument("-o", "--output-dir", type=Path, default=None, help="write here instead of data/raw")

    sub.add_parser("report", help="rewrite claims.json, manifest.json and REPORT.md from the committed notebooks")

    from lpsrepro.sweep import add_parser as add_sweep_parser   # light: dask is imported when a sweep runs
    add_sweep_parser(sub)

    e = sub.add_parser("explore", help="serve the Explore dashboard (every section's widgets) with Voilà")
    e.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    e.add_argument("--ip", default="127.0.0.1", help="address to serve on (0.0.0.0 from a container)")
    e.add_argument("--no-browser", action="store_true", help="do not open a browser")
    return parser


def _cmd_build(args) -> int:
    from lpsrepro.build import build
    from lpsrepro.errors import ParameterError
    from lpsrepro.params import load_parameter_file, parse_text

    parameters, base = {}, None
    if args.parameters_file is not None:
        parameters = load_parameter_file(args.parameters_file)
        base = args.parameters_file.expanduser().resolve().parent
    cli_values = {name: parse_text(value) for name, value in args.parameter}
    if args.jobs is not None and args.jobs < 1:
        raise ParameterError("--jobs", args.jobs, "a whole number of at least 1")
    if base is not None and cli_values:
        cli_values = _absolute_paths(cli_values)
    parameters.update(cli_values)
    if args.quiet:
        echo = _quiet_echo
    else:
        echo = print
    build(args.notebooks or None, parameters, output_dir=args.output_dir, echo=echo, force=args.force,
          dry_run=args.dry_run, jobs=args.jobs, parameter_base=base)
    return 0


def _quiet_echo(line: str) -> None:
    if line.startswith(("claims:", "would run", "up to date:")):
        print(line)


def _absolute_paths(values: dict) -> dict:
    """-p file paths are relative to the current folder even when -f sets another base."""
    from lpsrepro.paths import resolve

    out = {}
    for name, value in values.items():
        if name.endswith("_file") and isinstance(value, str):
            value = str(resolve(value))
        elif name.endswith("_files") and isinstance(value, list):
            value = [str(resolve(v)) if isinstance(v, str) else v for v in value]
        out[name] = value
    return out


def _cmd_params(args) -> int:
    from lpsrepro.build import _literal, notebook_parameters, resolve_notebook
    from lpsrepro.params import spec_of

    notebook = resolve_notebook(args.notebook)
    print(f"Parameters of {notebook.name} (set them with: lpsrepro build {notebook.stem} -p NAME VALUE, "
          f"or -f params.yaml)\n")
    for name, info in notebook_parameters(notebook).items():
        spec = spec_of(name, _literal(info["default"]), info.get("help") or "")
        print(f"  {name} = {info['default']}")
        if info.get("help"):
            print(f"      {info['help']}")
        accepted = spec.describe().split(" — ")[0]
        print(f"      accepts: {accepted}")
    return 0


def _cmd_simulate(args) -> int:
    from lpsrepro import paths, simulate

    out = args.output_dir or paths.RAW
    print(f"regenerating stand-in data into {out}")
    simulate.run(out, only=args.only)
    return 0


def _cmd_sweep(args) -> int:
    return args.sweep_main(args)


def _cmd_explore(args) -> int:
    from lpsrepro.explore import serve

    return serve(port=args.port, ip=args.ip, open_browser=not args.no_browser)


def _cmd_report(args) -> int:
    from lpsrepro.build import refresh_from_committed

    refresh_from_committed()
    return 0


def _take_parameters(argv: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Take ``-p NAME VALUE`` pairs out of argv verbatim (argparse would read ``-1e308`` as an option)."""
    rest, pairs, i = [], [], 0
    while i < len(argv):
        if argv[i] in ("-p", "--parameter") and i + 2 < len(argv) and "--" not in argv[:i]:
            pairs.append((argv[i + 1], argv[i + 2]))
            i += 3
        else:
            rest.append(argv[i])
            i += 1
    return rest, pairs


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    argv, pairs = _take_parameters(argv)
    args = _parser().parse_args(argv)
    if args.command == "build":
        args.parameter = list(args.parameter) + pairs
    handler = {"build": _cmd_build, "params": _cmd_params, "simulate": _cmd_simulate, "report": _cmd_report,
               "sweep": _cmd_sweep, "explore": _cmd_explore}
    try:
        return handler[args.command](args)
    except LpsreproError as exc:
        from lpsrepro.build import NotebookFailed

        print(f"error: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, NotebookFailed) and not exc.user_error else 2
    except KeyboardInterrupt:
        print("interrupted: kernels stopped; the previous outputs are unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
