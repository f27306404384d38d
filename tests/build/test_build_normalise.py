"""What the build writes is normalised, and what it says is readable."""

import nbformat

from lpsrepro import build as build_mod
from lpsrepro.cli import _parser


def test_consecutive_stream_chunks_are_merged_and_timings_dropped():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(1); print(2)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="2\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="w\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    cell.metadata["papermill"] = {"duration": 1.0}
    nb.cells = [cell]
    nb.metadata["papermill"] = {"duration": 3.0}
    clean = build_mod._strip_volatile_metadata(nb)
    outputs = clean.cells[0].outputs
    assert [(o["name"], o["text"]) for o in outputs] == [("stdout", "1\n2\n"), ("stderr", "w\n"), ("stdout", "3\n")]
    assert "papermill" not in clean.metadata and "execution" not in clean.cells[0].metadata


def test_summary_line_counts_uncalibrated_reproductions_inside_reproduced():
    line = build_mod.summary_line({"reproduced": 33, "deviates": 3, "failed_quality": 0, "not_attempted": 2,
                                   "reproduced_without_calibration": 4})
    assert line == ("33 reproduced (4 of them from data not calibrated to that number), 3 deviates, "
                    "0 failed quality, 2 not attempted")


def test_help_says_what_the_tool_does_and_lists_commands():
    text = _parser().format_help()
    assert text.count("Reproduce the figures and numbers of Wu et al.") == 1
    for command in ("build", "params", "simulate", "report"):
        assert f"    {command} " in text
    assert ".. " not in text and "``" not in text  # no raw reStructuredText


def test_a_pdf_is_republished_only_when_its_png_changed(tmp_path):
    # last-bit differences of fitted curves rewrite PDF coordinates but not PNG pixels (Determinism)
    staged, target = tmp_path / "staged", tmp_path / "target"
    staged.mkdir(), target.mkdir()
    for folder, pdf in ((staged, b"%PDF new"), (target, b"%PDF old")):
        (folder / "fig.pdf").write_bytes(pdf)
        (folder / "fig.png").write_bytes(b"same pixels")
    assert build_mod._pdf_noise(staged / "fig.pdf", target / "fig.pdf")
    (staged / "fig.png").write_bytes(b"other pixels")
    assert not build_mod._pdf_noise(staged / "fig.pdf", target / "fig.pdf")
    assert not build_mod._pdf_noise(staged / "fig.png", target / "fig.png")
    assert not build_mod._pdf_noise(staged / "fig.pdf", target / "new.pdf")   # nothing published yet
