"""A build is never torn, refuses a concurrent build, leaves no debris, and stops on Ctrl-C."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import buildproject  # noqa: E402

from lpsrepro import build as build_mod  # noqa: E402
from lpsrepro import paths, publish  # noqa: E402

PYTHON = sys.executable


# --------------------------------------------------------------------------- publish as a set
def _make_set(folder: Path, version: str, n: int = 12) -> dict[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    return {folder / f"f{i:02d}.txt": f"{version} {i}" for i in range(n)}


def _state(targets) -> set[str]:
    return {p.read_text().split()[0] if p.exists() else "absent" for p in targets}


PUBLISH_SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from lpsrepro import publish
    state, staged, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    with publish.BuildLock(state):
        publish.recover(state)
        repl = {p: out / p.name for p in sorted(staged.iterdir())}
        print("publishing", flush=True)
        publish.publish(state, repl, [out / "gone.txt"], pause=lambda: time.sleep(0.05))
    print("done", flush=True)
""")


@pytest.mark.parametrize("delay", [0.0, 0.07, 0.15, 0.25, 0.35, 0.45, 0.55, 0.7, 1.0])
def test_a_kill_during_publish_leaves_all_old_or_all_new(tmp_path, delay):
    out, staged, state = tmp_path / "out", tmp_path / "staged", tmp_path / "state"
    old = _make_set(out, "old")
    for path, text in old.items():
        path.write_text(text)
    (out / "gone.txt").write_text("old pruned")
    new = _make_set(staged, "new")
    for path, text in new.items():
        path.write_text(text)
    proc = subprocess.Popen([PYTHON, "-c", PUBLISH_SCRIPT, str(state), str(staged), str(out)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "publishing"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    targets = [out / p.name for p in new] + [out / "gone.txt"]
    with publish.BuildLock(state):  # what the next build does first
        publish.recover(state)
        publish.remove_debris(state)
    seen = _state(targets)
    assert seen in ({"old"}, {"new", "absent"}), seen  # new set: all new and the pruned file gone
    if seen == {"old"}:
        assert all(p.read_text() == old.get(p, "old pruned") for p in targets)
    assert sorted(p.name for p in state.iterdir()) == ["lock"]  # no journal, no backup left


def test_a_second_build_in_the_same_place_is_refused(tmp_path):
    with publish.BuildLock(tmp_path):
        with pytest.raises(publish.BuildLocked, match=f"another lpsrepro build \\(pid {os.getpid()}\\)"):
            with publish.BuildLock(tmp_path):
                pass
    with publish.BuildLock(tmp_path):  # released
        pass


def test_an_interrupted_publish_is_rolled_back_at_once(tmp_path):
    out, staged = tmp_path / "out", tmp_path / "staged"
    for folder, version in ((out, "old"), (staged, "new")):
        for path, text in _make_set(folder, version, 4).items():
            path.write_text(text)
    calls = []

    def interrupt():
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        publish.publish(tmp_path / "state", {p: out / p.name for p in sorted(staged.iterdir())}, pause=interrupt)
    assert _state(out.iterdir()) == {"old"}
    assert not (tmp_path / "state" / publish.JOURNAL).exists()


def test_debris_of_dead_builds_is_removed(tmp_path):
    dead = subprocess.run([PYTHON, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    for prefix in (".staging-", ".publish-", ".run-"):
        (tmp_path / f"{prefix}{pid}").mkdir()
    (tmp_path / f".staging-{os.getpid()}").mkdir()
    publish.remove_debris(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".staging-{os.getpid()}"]


# --------------------------------------------------------------------------- whole builds, killed
def _cli(root: Path, *args, env_extra=None, **kwargs):
    env = dict(os.environ, PYTHONPATH=str(paths.ROOT), TMPDIR=str(root.parent / "tmp"), **(env_extra or {}))
    Path(env["TMPDIR"]).mkdir(exist_ok=True)
    code = ("import sys; from lpsrepro import build as b, cli; "
            "b.Project.default = classmethod(lambda cls: b.Project.at(sys.argv[1])); "
            "sys.exit(cli.main(sys.argv[2:]))")
    return subprocess.Popen([PYTHON, "-c", code, str(root), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def _clean(root: Path) -> None:
    """No staging, journal, runtime or kernel files left in the project or in TMPDIR."""
    debris = [p.name for p in (root / "build").iterdir() if p.name not in ("cache", "lock", "published.json")]
    assert debris == []
    assert list((root.parent / "tmp").iterdir()) == []  # TMPDIR of the build: no kernel or staging files
    assert sorted(p.name for p in root.iterdir()) == ["build", "data", "figures", "notebooks", "requirements-lock.txt"]


def test_ctrl_c_stops_a_build_with_one_line_and_the_next_build_is_clean(tmp_path):
    root = buildproject.make(tmp_path / "p")
    proc = _cli(root, "build", "--force")
    deadline = time.time() + 60
    while not list((root / "build").glob(".run-*/*.json")) and time.time() < deadline:
        time.sleep(0.1)  # until the kernels have started
    time.sleep(0.5)
    start = time.time()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert time.time() - start < 5
    assert proc.returncode == 130, (out, err)
    assert err.strip().splitlines() == ["interrupted: kernels stopped; the previous outputs are unchanged"]
    assert "Traceback" not in out
    assert not list((root / "figures").iterdir())  # nothing was published
    proc = _cli(root, "build", "-q")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "Kernel is running over TCP" not in out + err and err == ""
    _clean(root)


@pytest.mark.parametrize("delay", [1.0, 3.0])
def test_a_killed_build_leaves_old_outputs_and_the_next_build_completes(tmp_path, delay):
    root = buildproject.make(tmp_path / "p")
    assert _cli(root, "build", "-q").wait(timeout=120) == 0
    before = buildproject.outputs(root)
    (root / "data" / "alpha.txt").write_text("9")
    proc = _cli(root, "build", "--force", "-q")
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    after_kill = buildproject.outputs(root)
    assert after_kill == before or b"alpha 11.0" in after_kill["notebooks/10_alpha.ipynb"]
    proc = _cli(root, "build", "-q")
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    assert b"alpha 11.0" in buildproject.outputs(root)["notebooks/10_alpha.ipynb"]
    _clean(root)


@pytest.mark.parametrize("fraction", [0.2, 0.7])
def test_a_build_killed_inside_its_publish_step_is_rolled_back_by_the_next(tmp_path, fraction):
    root = buildproject.make(tmp_path / "p")
    assert _cli(root, "build", "-q").wait(timeout=120) == 0
    before = buildproject.outputs(root)
    (root / "data" / "alpha.txt").write_text("9")
    (root / "data" / "beta.txt").write_text("5")
    pause = 0.4
    proc = _cli(root, "build", "-q", env_extra={build_mod.PUBLISH_PAUSE_ENV: str(pause)})
    journal = root / "build" / publish.JOURNAL
    deadline = time.time() + 120
    while not journal.exists() and time.time() < deadline:
        time.sleep(0.02)
    assert journal.exists()
    n_files = len(json.loads(journal.read_text())["entries"])
    time.sleep(fraction * n_files * pause)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert journal.exists()  # killed inside the set
    dry = _cli(root, "build", "--dry-run")  # any build first completes or rolls back
    assert dry.wait(timeout=60) == 0
    assert buildproject.outputs(root) == before
    assert _cli(root, "build", "-q").wait(timeout=120) == 0
    after = buildproject.outputs(root)
    assert b"alpha 11.0" in after["notebooks/10_alpha.ipynb"] and b"beta 15.0" in after["notebooks/20_beta.ipynb"]
    _clean(root)
