"""Issue 11: each physical relation is typed once, in its technique module; everything else calls it.

Extends tests/test_impedance_relations_once.py (a list of impedance callers) to every module of the
package and every notebook. The code is read token by token without comments and docstrings, so
that a formula quoted in prose is not counted.
"""

import io
import re
import tokenize

import nbformat
import pytest

from lpsrepro import paths

PKG = paths.ROOT / "lpsrepro"

#: relation → (the one module that may type it, pattern of the typed relation in compacted code)
RELATIONS = {
    "disc area π d²/4": ("models/impedance.py", re.compile(r"pi\*\(?[\w.\[\]\"']*diam|pi\*d\w*\*\*2/4")),
    "σ = L/(R·A), ASR = L/σ": ("models/impedance.py",
                               re.compile(r"(thickness\w*|\bL_cm)[\"'\]]*(,dtype=float\))?(\*1e-\d+)?/\(?([\w.]+\()*"
                                          r"\w*(resist|sigma|conduct|r_|asr|ohm)", re.I)),
    "ω = 2πf (apex frequencies 1/(2πRC), CPE R·Q·ω^α = 1)": ("models/impedance.py",
                                                               re.compile(r"2(\.0)?\*(np|math)\.pi\*")),
    "physical constants typed (Faraday, R, N_A, k_B, ε0)": (
        None, re.compile(r"96485|8\.31446|6\.02214|1\.380649|8\.85418")),
    "charge Q = j t at constant current (µAh = µA s / 3600)": (
        "models/galvanostatic.py", re.compile(r"\*[\w.\[\]\"']+/3600|/[\w.\[\]\"']+\*3600|\*np\.diff\([^\n]*\)/3600")),
    "Faraday's law n F / M in mAh (1 mAh = 3.6 C): charge ↔ moles, theoretical capacity": (
        "models/li_au.py", re.compile(r"faraday[^\n]*\b3\.6|\b3\.6[^\n]*faraday", re.I)),
    "passivation ε_n = ε_∞ + (ε_1 − ε_∞) exp(−(n − 1)/n_pass) and its inverse": (
        "models/cells.py", re.compile(r"exp\(-\(\w+-1(\.0)?\)/\w*pass")),
    "pellet thickness from its mass, u(L)/L = u(φ)/(1 − φ)": (
        "models/impedance.py", re.compile(r"thickness\w*\*[\w.]*porosity\w*/\(1(\.0)?-[\w.]*porosity\w*\)")),
    "ohmic drop ΔV = j (R A) (µA → A)": (
        "models/galvanostatic.py", re.compile(r"1e-6\*[\w.\[\]\"']*(resist|asr|\br\b)", re.I)),
}

#: Files that still type a relation, with the owner's fix. Strict: the test fails once they are fixed,
#: so that the entry is removed.
PENDING = {
}
#: Notebooks being rewritten onto sections/ by their owners right now (not strict).
NOTEBOOKS_PENDING = {
}


def compact(source):
    """Code without comments, docstrings or blanks (one logical line per line); short identifier-like
    strings (dict keys) kept; a space only between two names or numbers, so that they stay apart."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return "\n".join(re.sub(r"\s+", "", line.split("#")[0]) for line in source.splitlines())
    out, previous_word = [], False
    for tok in tokens:
        if tok.type in (tokenize.NEWLINE, tokenize.NL):
            out.append("\n")
            previous_word = False
            continue
        if tok.type in (tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        if tok.type == tokenize.STRING and not re.fullmatch(r"[\"']\w+[\"']", tok.string):
            continue
        word = tok.type in (tokenize.NAME, tokenize.NUMBER)
        out.append((" " if word and previous_word else "") + tok.string)
        previous_word = word
    return "".join(out)


def notebook_source(path):
    nb = nbformat.read(path, as_version=4)
    return "\n".join("\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines())
                     for cell in nb.cells if cell.cell_type == "code")


def offences(code, relation):
    home, pattern = RELATIONS[relation]
    return pattern.findall(code)


def test_patterns_catch_the_copies_issue_11_found():
    # each line was in the package before issue 11; each must be caught
    caught = {
        "disc area π d²/4": ['area = math.pi * (diameter_mm / 10.0) ** 2 / 4.0', 'np.pi * diameter_cm**2 / 4.0'],
        "σ = L/(R·A), ASR = L/σ": ['x = thickness_nm * 1e-7 / (bulk_ohm * area_cm2)',
                                   'g["thickness_cm"] / (target_conductivity_s_per_cm * g["area_cm2"])',
                                   'return thickness_um * 1e-4 / conductivity_s_cm',
                                   'np.asarray(thickness_um, dtype=float) * 1e-4 / np.asarray(conductivity_s_cm)',
                                   'implied = L_cm / float(asr.value)'],
        "ω = 2πf (apex frequencies 1/(2πRC), CPE R·Q·ω^α = 1)": ['q = 1.0 / (r_gb * (2 * math.pi * apex_hz) ** a)'],
        "physical constants typed (Faraday, R, N_A, k_B, ε0)": ['k = 2 * 8.314462618 * t / (0.5 * 96485.33212)'],
        "charge Q = j t at constant current (µAh = µA s / 3600)": ['q = j * t / 3600.0',
                                                                   'end_s = q / p["current_density_ua_cm2"] * 3600.0'],
        "charge Q = j t at constant current (µAh = µA s / 3600)#trapezoid": [
            'dq[seg] = 0.5 * (i[1:] + i[:-1]) * np.diff(t[start:stop]) / 3600.0'],
        "Faraday's law n F / M in mAh (1 mAh = 3.6 C): charge ↔ moles, theoretical capacity": [
            'LFP_CAPACITY_MAH_PER_G = round(FARADAY_C_PER_MOL / (3.6 * LFP_MOLAR_MASS_G_PER_MOL), 1)',
            'return np.asarray(amount_mol_cm2, dtype=float) * FARADAY_C_PER_MOL / 3.6e-3'],
        "passivation ε_n = ε_∞ + (ε_1 − ε_∞) exp(−(n − 1)/n_pass) and its inverse": [
            'decay = np.exp(-(cycles - 1) / n_pass)',
            'return final + (first - final) * np.exp(-(n - 1.0) / cycles_to_passivate)'],
        "pellet thickness from its mass, u(L)/L = u(φ)/(1 − φ)": [
            'thickness_std_cm = thickness_cm * p.pellet_porosity_uncertainty / (1.0 - p.pellet_porosity)'],
        "ohmic drop ΔV = j (R A) (µA → A)": ['ir_v = j * 1e-6 * r\nx = 1',
                                             'ir = p.lfp_current_density_ua_cm2 * 1e-6 * p.lfp_first_resistance_ohm_cm2'],
    }
    for relation, lines in caught.items():
        relation = relation.split("#")[0]
        for line in lines:
            assert offences(compact(line), relation), (relation, line)
    # and prose or unrelated arithmetic is not
    assert not offences(compact('"""σ = thickness_cm / (resistance · area)"""\n# 96485 C/mol'), "σ = L/(R·A), ASR = L/σ")
    assert not offences(compact("angle = rng.uniform(0, 2 * np.pi)"), "ω = 2πf (apex frequencies 1/(2πRC), CPE R·Q·ω^α = 1)")
    assert not offences(compact("ds = cycler_dataset(time, current_ua * 1e-6, voltage)"),
                        "ohmic drop ΔV = j (R A) (µA → A)")


MODULES = sorted(p.relative_to(PKG).as_posix() for p in PKG.rglob("*.py"))
CASES = []
for name in MODULES:
    for relation, (home, _) in RELATIONS.items():
        if name == home:
            continue
        marks = [pytest.mark.xfail(strict=True, reason=PENDING[(name, relation)])] if (name, relation) in PENDING else []
        CASES.append(pytest.param(name, relation, marks=marks, id=f"{name}: {relation.split(' ')[0]}"))


@pytest.mark.parametrize(("name", "relation"), CASES)
def test_modules_call_the_relation_instead_of_typing_it(name, relation):
    found = offences(compact((PKG / name).read_text(encoding="utf-8")), relation)
    home = RELATIONS[relation][0] or "scipy.constants"
    assert not found, f"lpsrepro/{name} types {relation} ({found[:3]}); call {home}"


NB_CASES = [pytest.param(p.name, relation,
                         marks=[pytest.mark.xfail(reason=NOTEBOOKS_PENDING[(p.name, relation)])]
                         if (p.name, relation) in NOTEBOOKS_PENDING else [], id=f"{p.name}: {relation.split(' ')[0]}")
            for p in sorted((paths.ROOT / "notebooks").glob("*.ipynb")) for relation in RELATIONS]


@pytest.mark.parametrize(("name", "relation"), NB_CASES)
def test_notebooks_call_the_relation_instead_of_typing_it(name, relation):
    found = offences(compact(notebook_source(paths.ROOT / "notebooks" / name)), relation)
    assert not found, f"notebooks/{name} types {relation} ({found[:3]}); call {RELATIONS[relation][0]}"


def test_every_pending_entry_names_a_module_and_a_relation():
    for name, relation in PENDING:
        assert name in MODULES and relation in RELATIONS


# --------------------------------------------------------------------------- physical constants
# A constant is never typed (RELATIONS above); it is also taken from scipy.constants only in models/, the
# physics layer, inside the one function of the relation that needs it (Faraday's law in models/li_au.py, the
# Tafel slope RT/αF in models/cells.py, ε0 in models/impedance.py, RT and k_B in models/nucleation.py).
# A section or plot that reaches for scipy.constants is typing a relation of its own.
#: Modules outside models/ that still take a physical constant, with the owner's fix (strict xfail).
CONSTANTS_PENDING = {
}


def takes_a_physical_constant(source):
    """Whether ``source`` imports scipy.constants (any spelling)."""
    import ast

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import) and any(a.name.startswith("scipy.constants") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module.startswith("scipy.constants")
                or (node.module == "scipy" and any(a.name == "constants" for a in node.names))):
            return True
    return False


def test_takes_a_physical_constant_sees_every_spelling():
    assert takes_a_physical_constant("from scipy import constants")
    assert takes_a_physical_constant("import scipy.constants as sc")
    assert takes_a_physical_constant("def f():\n    from scipy.constants import R")
    assert not takes_a_physical_constant("from scipy import optimize")


OUTSIDE_MODELS = [name for name in MODULES if not name.startswith("models/")]


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=CONSTANTS_PENDING[n]))
                                  if n in CONSTANTS_PENDING else n for n in OUTSIDE_MODELS])
def test_physical_constants_are_taken_in_models_only(name):
    assert not takes_a_physical_constant((PKG / name).read_text(encoding="utf-8")), \
        f"lpsrepro/{name} takes a physical constant from scipy.constants: call the models/ function of the relation"


@pytest.mark.parametrize("path", sorted((paths.ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_take_no_physical_constant(path):
    assert not takes_a_physical_constant(notebook_source(path)), path.name


def test_every_constants_pending_entry_names_a_module():
    assert set(CONSTANTS_PENDING) <= set(OUTSIDE_MODELS)
