"""Where the paper disagrees with itself — computed, not typed.

Each check takes the published values from the claims registry (and, where
physics needs them, constants with a cited source), computes what they imply,
and says whether the paper's numbers agree within their printed precision.
The report renders every check; ``tests/test_consistency.py`` pins the
arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from lpsrepro import claims, ledger, paths
from lpsrepro.analysis.membranes import asr_from_conductivity_ohm_cm2
from lpsrepro.models import cells, li_au
from lpsrepro.models import energy as em
from lpsrepro.models.galvanostatic import passed_charge_uah_cm2
from lpsrepro.models.impedance import conductivity_from_asr_s_per_cm
from lpsrepro.sections.performance import stack_from_ledger, stack_ranges


@dataclass(frozen=True)
class Check:
    """One consistency check of the paper's numbers."""

    title: str
    computation: str   # the arithmetic, in words and numbers
    verdict: str       # one of VERDICTS
    comment: str


#: Precision of Hejazi et al. (2024)'s de-alloying potentials as printed: "near 0.3 V" (one decimal,
#: ±0.05 V) and "0.15 V" (two decimals, ±0.005 V).
HEJAZI_NEAR_PRECISION_V, HEJAZI_PRINTED_PRECISION_V = 0.05, 0.005
#: Two coulombic efficiencies (in %) closer than this agree: the printed values (84.9 %, 45.9 mAh/g)
#: carry ±0.05 each, so 1 percentage point is well beyond rounding and well below the gaps tested.
CE_AGREEMENT_PERCENT = 1.0

#: Fig. 4b's membranes as the paper states them (§3.3): the text gives 1 and 30 µm, the caption 1 and 10 µm.
#: They are the subject of a check (the text against the caption), so they are named here once; the loadings
#: published for them come from the claims registry.
FIG4B_TEXT_THICKNESSES_UM = (1.0, 30.0)
FIG4B_CAPTION_THICKNESS_UM = 10.0

#: "consistent": the numbers agree as printed; "within rounding": they agree only once
#: the printed precision is allowed for; "inconsistent": not even then.
VERDICTS = ("consistent", "consistent within rounding", "inconsistent")


def membrane_conductivity_from_asr() -> Check:
    """σ = L / ASR with the paper's L = 550 nm and ASR = 0.8 Ω cm², against its σ = 6.7e-5 S/cm."""
    reg = claims.registry()
    thickness = reg["membrane_thickness"]
    asr = reg["membrane_asr"]
    sigma = reg["membrane_conductivity"]
    thickness_nm = float(thickness.value)
    implied = float(conductivity_from_asr_s_per_cm(thickness_nm, float(asr.value)))
    # the range of σ the printed ASR allows (ASR is printed to one decimal: 0.75–0.85)
    low = float(conductivity_from_asr_s_per_cm(thickness_nm, float(asr.value) + asr.atol))
    high = float(conductivity_from_asr_s_per_cm(thickness_nm, float(asr.value) - asr.atol))
    needed_asr = float(asr_from_conductivity_ohm_cm2(thickness_nm * 1e-3, float(sigma.value)))   # nm → µm
    if abs(implied - float(sigma.value)) <= sigma.atol:
        verdict = "consistent"
    elif low <= float(sigma.value) <= high:
        verdict = "consistent within rounding"
    else:
        verdict = "inconsistent"
    computation = (f"L / ASR = {thickness.value} nm / {asr.value} Ω cm² = {implied:.3g} S/cm "
                   f"(ASR printed as {asr.value} allows {low:.3g}–{high:.3g} S/cm); published σ = {sigma.value} S/cm. "
                   f"The ASR that gives {sigma.value} S/cm with {thickness.value} nm is {needed_asr:.3f} Ω cm².")
    reconcile = {"consistent": "The three numbers agree as printed. ",
                 "consistent within rounding": ("The printed ASR is rounded: an intercept of about "
                                                f"{needed_asr:.2f} Ω cm², printed as {asr.value}, reconciles all three "
                                                "numbers. "),
                 "inconsistent": (f"No ASR that rounds to {asr.value} gives σ = {sigma.value} S/cm with "
                                  f"{thickness.value} nm. ")}[verdict]
    comment = (reconcile + "The compendium's stand-in is calibrated to σ and L, so its intercept comes out near "
               f"{needed_asr:.2f} Ω cm².")
    return Check("Membrane conductivity from thickness and ASR (§3.2)", computation, verdict, comment)


# --------------------------------------------------------------------------- §3.3
def _ledger(key: str, unit: str) -> float:
    return ledger.value(key, unit)


def _au_thickness_nm() -> float:
    return _ledger("membrane.gold_thickness", "nm")   # the paper's 85 nm (Fig. S10)


def _published(claim_id: str) -> float:
    return float(claims.registry()[claim_id].value)


def li_plating_faraday() -> Check:
    """Faraday's law on the 85-nm Au film against the 46.3 µAh/cm² and the Li3Au assignment (Fig. 4c)."""

    reg = claims.registry()
    au_nm = _au_thickness_nm()
    per_li = li_au.charge_per_li_per_au_uah_cm2(au_nm)
    q_li2au, q_li3au = 2 * per_li, 3 * per_li
    total = _published("li_plating_capacity")
    current = _ledger("plating.current_density", "uA/cm**2")   # the paper's 65 µA/cm² (§3.3)
    start = _published("li3au_plateau_start")
    q_start = float(passed_charge_uah_cm2(current, start))
    x_total, x_start = total / per_li, q_start / per_li
    computation = (f"{au_nm:g} nm Au = {li_au.au_areal_amount_nmol_cm2(au_nm):.1f} nmol/cm² = {per_li:.2f} µAh/cm² per Li/Au: "
                   f"Li2Au needs {q_li2au:.1f}, Li3Au {q_li3au:.1f} µAh/cm². The paper's total {total:g} µAh/cm² is "
                   f"Li{x_total:.2f}Au if all of it alloyed; the second ('Li3Au') plateau begins at ~{reg['li3au_plateau_start'].value} s × "
                   f"{current:g} µA/cm² = {q_start:.1f} µAh/cm², i.e. Li{x_start:.2f}Au.")
    verdict = "inconsistent" if total < q_li3au and x_start < 2 else "consistent"
    plateau_v = reg["li3au_plateau_voltage"].value
    if verdict == "inconsistent":
        comment = ("With every electron alloying, the charge passed reaches only Li2Au by the end of the test, and the "
                   f"{plateau_v}-V plateau starts before even Li2Au is complete. Side reactions (the P and S the paper "
                   "finds in the layer) make the shortfall worse, not better. Either less Au takes part than "
                   f"{au_nm:g} nm implies, or the plateaus belong to Li-poorer phases (Hejazi et al. 2024 put δ ≈ Li2Au at "
                   f"{li_au.HEJAZI_ALLOYING_V['delta']:.2f} V and AuLi3 at {li_au.HEJAZI_ALLOYING_V['Li3Au']:.2f} V).")
    else:
        comment = (f"Faraday's law does not contradict the assignment: the charge passed reaches Li{x_total:.2f}Au, and the "
                   f"{plateau_v}-V plateau begins at Li{x_start:.2f}Au.")
    return Check(f"Li plating on {au_nm:g}-nm Au: Faraday's law vs {reg['li_plating_capacity'].value} µAh/cm² and the "
                 "Li3Au assignment (§3.3, Fig. 4c)", computation, verdict, comment)


def au_layer_growth() -> Check:
    """85 nm → 320 nm against the volume of the lithiated film from crystal structures."""

    au_nm = _au_thickness_nm()
    grown = _published("au_layer_thickness_after_plating")
    total = _published("li_plating_capacity")

    ledger_entry = ledger.get("plating.dft_volume_scale")
    scale = float(ledger_entry.value)
    low_scale, high_scale = ledger_entry.range or (scale, scale)
    lines = {k: li_au.volume_line(paths.DATA / "structures", dft_volume_scale=v)
             for k, v in (("mid", scale), ("low", low_scale), ("high", high_scale))}
    dense = {k: float(li_au.dense_layer_thickness_nm(au_nm, total, line)) for k, line in lines.items()}
    li3au = float(li_au.dense_layer_thickness_nm(au_nm, li_au.phase_capacity_uah_cm2(au_nm, 3.0), lines["mid"]))
    additive = li_au.alloy_layer_thickness_nm(au_nm, total)
    x_for_grown = li_au.li_per_au_for_thickness(au_nm, grown, lines["mid"])
    excess = grown - dense["mid"]
    computation = (f"Volume per Au from crystal structures (Au; Li15Au4 mp-567395 × {scale:g}, range {low_scale:g}–{high_scale:g}): "
                   f"{au_nm:g} nm Au + {total:g} µAh/cm² (Li{li_au.li_per_au(total, au_nm):.2f}Au) makes a dense layer of "
                   f"{dense['mid']:.0f} nm ({dense['low']:.0f}–{dense['high']:.0f} nm); a full Li3Au film would be {li3au:.0f} nm; "
                   f"additive molar volumes (no contraction) would give {additive:.0f} nm. Published: {grown:g} nm, "
                   f"{excess:+.0f} nm ({100 * excess / grown:.0f} % of the layer) beyond the dense alloy; a dense layer of "
                   f"{grown:g} nm would hold Li{x_for_grown:.2f}Au.")
    verdict = "consistent" if grown <= max(dense.values()) else "inconsistent"
    x_total = float(li_au.li_per_au(total, au_nm))
    contraction = 1.0 - float(lines["mid"](x_total) / li_au.additive_volume_per_au_cm3_mol(x_total))
    if excess > 0:
        comment = (f"A dense alloy made with the published charge is thinner than the published layer, so "
                   f"{100 * excess / grown:.0f} % of the {grown:g} nm is not alloy: the LPS decomposition products (Li2S, "
                   "Li3P; the P and S of the EDS maps) and porosity. ")
    else:
        comment = (f"A dense alloy made with the published charge is at least as thick as the published {grown:g} nm: the "
                   "layer needs no other material. ")
    if abs(li3au - grown) < abs(excess) and x_total < 3.0:
        comment += (f"The thickness alone would fit Li3Au (a dense Li3Au film is {li3au:.0f} nm, "
                    f"{100 * (li3au - grown) / grown:+.0f} %), but the charge makes only Li{x_total:.2f}Au: the thickness "
                    "is no evidence for Li3Au. ")
    comment += (f"(Additive molar volumes hid this: at Li{x_total:.2f}Au the crystal is "
                f"{100 * contraction:.0f} % denser than Au plus Li metal.)")
    return Check(f"Growth of the Au layer {au_nm:g} → {grown:g} nm vs crystal-structure volumes (§3.3, Fig. 4d, S10)",
                 computation, verdict, comment)


def lfp_faraday_ce() -> Check:
    """Faraday/CE audit of the LiFePO4 cell: the 37.5-µAh/cm² pre-plating read as the first charge."""

    au_nm = _au_thickness_nm()
    per_li = li_au.charge_per_li_per_au_uah_cm2(au_nm)
    preplated = _ledger("lfp.preplated_charge", "uA*h/cm**2")
    loading = _ledger("lfp.active_loading", "mg/cm**2")
    d1 = _published("lfp_initial_discharge_capacity")                # mAh/g
    ce1 = _published("lfp_initial_coulombic_efficiency")             # %
    d1_area = d1 * loading                                            # µAh/cm²
    pre_mah_g = preplated / loading
    ce_if_first = 100.0 * d1_area / preplated
    c1_paper = d1_area / (ce1 / 100.0)
    x_pre = preplated / per_li
    x_max_b = (preplated + c1_paper) / per_li
    computation = (f"Reading A (the pre-plating is the first charge): {preplated:g} µAh/cm² on {au_nm:g} nm Au = "
                   f"Li{x_pre:.2f}Au at most (every electron alloying); first discharge {d1:g} mAh/g × {loading:g} mg/cm² = "
                   f"{d1_area:.2f} µAh/cm², so CE = {d1_area:.2f} / {preplated:g} = {d1:g} / {pre_mah_g:.0f} mAh/g = "
                   f"{ce_if_first:.1f} %, against the published {ce1:g} %. Reading B (a further charge follows the "
                   f"pre-plating, as in the stand-in): a first charge of {d1_area:.2f} / {ce1 / 100:.3f} = {c1_paper:.1f} µAh/cm² "
                   f"gives the published CE and brings the anode to at most Li{x_max_b:.2f}Au.")
    verdict = "inconsistent" if abs(ce_if_first - ce1) > CE_AGREEMENT_PERCENT else "consistent"
    plateau_v = claims.registry()["lfp_discharge_plateau_high"].value
    below = "Li2Au" if x_pre < 2.0 else "Li3Au"
    read_a = (f"no Li3Au can exist for the {plateau_v}-V plateau (Li{x_pre:.2f}Au < {below})" if x_pre < 3.0 else
              f"the anode reaches Li3Au for the {plateau_v}-V plateau (Li{x_pre:.2f}Au)")
    ce_a = f"not {ce1:g} %" if verdict == "inconsistent" else "as published"
    read_b = (f"and even then the anode stays below Li3Au (Li{x_max_b:.2f}Au before any loss to the electrolyte)"
              if x_max_b < 3.0 else f"and the anode reaches Li{x_max_b:.2f}Au before any loss to the electrolyte")
    comment = (f"Read A, {read_a} and the first CE is {ce_if_first:.0f} %, {ce_a}. Read B, the numbers agree but the "
               f"paper does not describe the extra charge, {read_b}. "
               "Which reading is right the paper does not say; the stand-in follows B (ledger lfp.preplated_charge).")
    return Check("LiFePO4 cell: Faraday's law on the pre-plated anode and the first coulombic efficiency (§2.4, §3.3, Fig. 5)",
                 computation, verdict, comment)


def energy_density_membrane_thickness() -> Check:
    """Fig. 4b's caption (1 and 10 µm) against the text (1 and 30 µm), with the stack model."""

    m1 = _published("li_s_loading_400whkg_1um")
    m2 = _published("li_s_loading_400whkg_30um")
    thin, text_thick = FIG4B_TEXT_THICKNESSES_UM
    caption_thick = FIG4B_CAPTION_THICKNESS_UM
    stack = stack_from_ledger()
    target = _ledger("energy.target_specific_energy", "W*h/kg")
    ours = em.loadings_for_energy_mg_cm2(target, sorted({thin, caption_thick, text_thick}), stack)
    implied = {L: em.implied_lumped_constants(m1, thin, m2, L, target, stack.electrolyte_density_g_cm3)
               for L in sorted({caption_thick, text_thick})}
    computation = (f"Loading for {target:g} Wh/kg with the ledger's stack: " +
                   ", ".join(f"{L:g} µm → {m:.2f} mg/cm²" for L, m in ours.items()) +
                   f". Read as ({thin:g} µm, {m1:g}) and (L, {m2:g} mg/cm²), the paper's pair implies a net energy per mg of "
                   "cathode and a fixed inactive mass of " +
                   "; ".join(f"L = {L:g} µm: {c['net_energy_per_cathode_mass_mwh_per_mg']:.3f} mWh/mg, "
                             f"{c['fixed_mass_mg_cm2']:.2f} mg/cm²" for L, c in implied.items()) + ".")
    possible = all(c["net_energy_per_cathode_mass_mwh_per_mg"] > 0 and c["fixed_mass_mg_cm2"] > 0
                   for c in implied.values())
    comment = (f"The caption names {caption_thick:g} µm, the text {text_thick:g} µm for the second curve. "
               + ("Both readings give a stack that is physically possible, so the numbers alone cannot decide; "
                  if possible else "Not both readings give a physically possible stack (a net energy or fixed mass "
                                   "≤ 0 above); ")
               + f"the figure is drawn for {thin:g}, {caption_thick:g} and {text_thick:g} µm and "
               f"the {m2:g}-mg/cm² claim is compared at {text_thick:g} µm, as the text says. (The text also says it "
               "follows 'Ref. 5', a paper on glass-ceramic electrolytes; the energy-density approach is that of ref. 3, "
               "C. Li et al. 2016.)")
    verdict = "consistent" if caption_thick == text_thick else "inconsistent"
    return Check(f"Fig. 4b: caption ({caption_thick:g} µm) vs text ({text_thick:g} µm) for the thicker membrane (§3.3)",
                 computation, verdict, comment)


def energy_density_band() -> Check:
    """Where the paper's two loadings sit in the band the ledger's ranges give (Fig. 4b); which single input reproduces them."""

    m1 = _published("li_s_loading_400whkg_1um")
    m30 = _published("li_s_loading_400whkg_30um")
    thin, thick = FIG4B_TEXT_THICKNESSES_UM
    target = _ledger("energy.target_specific_energy", "W*h/kg")
    stack = stack_from_ledger()
    ranges = stack_ranges()
    ours1 = float(em.loading_for_energy_mg_cm2(target, thin, stack))
    band1 = em.loading_band_mg_cm2(target, thin, stack, ranges)
    low = min(min(pair) for pair in band1.values())
    high = max(max(pair) for pair in band1.values())
    hits = []
    for name, (lo, hi) in ranges.items():
        def off(v, name=name):
            return float(em.loading_for_energy_mg_cm2(target, thin, stack.with_values(**{name: v}))) - m1
        grid = np.linspace(lo, hi, 201)
        values = np.array([off(v) for v in grid])
        ok = np.isfinite(values)
        sign = np.flatnonzero(ok[:-1] & ok[1:] & (np.sign(values[:-1]) != np.sign(values[1:])))
        if sign.size:
            v = brentq(off, grid[sign[0]], grid[sign[0] + 1])
            at_thick = float(em.loading_for_energy_mg_cm2(target, thick, stack.with_values(**{name: v})))
            hits.append(f"{name} = {v:.3g} (then {thick:g} µm needs {at_thick:.1f})")
    sulfur_reading = m1 / ours1 * stack.sulfur_fraction
    computation = (f"With the ledger's inputs {thin:g} µm needs {ours1:.2f} mg/cm² (composite) for {target:g} Wh/kg; moving each "
                   f"input alone across its ledger range spans {low:.2f}–" + (f"{high:.2f}" if np.isfinite(high) else "∞ (target out of reach)") +
                   f" mg/cm². The published {m1:g} mg/cm² lies inside. One input alone reproduces it: " +
                   ("; ".join(hits) if hits else "none") +
                   f". Read as a sulfur loading, {m1:g} mg/cm² of S is {m1 / ours1 * 100:.0f} % of our composite loading, "
                   f"i.e. a composite with about {100 * sulfur_reading:.0f} wt% S would need it.")
    band30 = em.loading_band_mg_cm2(target, thick, stack, ranges)
    low30 = min(min(pair) for pair in band30.values())
    high30 = max(max(pair) for pair in band30.values())
    inside = low <= m1 <= high and low30 <= m30 <= high30
    verdict = "consistent" if inside else "inconsistent"
    meaning = (", well within what the unstated Tab. S2 allows, so the difference says nothing against the paper and "
               "nothing for it" if inside else ": the paper's loadings need inputs outside the ledger's ranges")
    comment = (f"Both published loadings ({m1:g} at {thin:g} µm, {m30:g} at {thick:g} µm, band {low30:.2f}–"
               + (f"{high30:.2f}" if np.isfinite(high30) else "∞") +
               f") are {'inside' if inside else 'not both inside'} the band; our {ours1:.2f} mg/cm² is "
               f"{100 * (ours1 - m1) / m1:+.0f} % off at {thin:g} µm{meaning}. The compendium does not fit the stack to "
               "the paper.")
    return Check("Fig. 4b: the published loadings inside the band of the assumptions (§3.3, Tab. S2)", computation,
                 verdict, comment)


def lfp_plateau_spacing() -> Check:
    """The two LiFePO4 discharge plateaus against the Li–Au de-alloying (not alloying) potentials."""

    reg = claims.registry()
    high, low = _published("lfp_discharge_plateau_high"), _published("lfp_discharge_plateau_low")
    li2, li3 = _published("li2au_plateau_voltage"), _published("li3au_plateau_voltage")
    lfp_gap, alloying_gap = high - low, li2 - li3
    dealloy = li_au.HEJAZI_DEALLOYING_V
    dealloying_gap = dealloy["delta/intermediate"] - dealloy["Li3Au/delta"]
    # printed precision: half a digit of each paper value; Hejazi's "near 0.3 V" is good to ±0.05 V
    slack_paper = sum(reg[k].atol for k in ("lfp_discharge_plateau_high", "lfp_discharge_plateau_low"))
    slack_dealloy = slack_paper + HEJAZI_NEAR_PRECISION_V + HEJAZI_PRINTED_PRECISION_V
    computation = (f"LiFePO4 discharge plateaus {reg['lfp_discharge_plateau_high'].value} − "
                   f"{reg['lfp_discharge_plateau_low'].value} = {lfp_gap:.2f} V. Li–Au alloying plateaus (Fig. 4c) "
                   f"{reg['li2au_plateau_voltage'].value} − {reg['li3au_plateau_voltage'].value} = {alloying_gap:.2f} V "
                   f"({lfp_gap - alloying_gap:+.2f} V off). A discharge de-alloys the anode: Hejazi et al. (2024) put "
                   f"AuLi3 → δ at {dealloy['Li3Au/delta']:.2f} V and the next de-alloying step near "
                   f"{dealloy['delta/intermediate']:.1f} V, a spacing of {dealloying_gap:.2f} V "
                   f"({lfp_gap - dealloying_gap:+.2f} V off; the precision of 'near 0.3 V' allows ±{slack_dealloy:.2f} V). "
                   f"LiFePO4 at {cells.LFP_PLATEAU_V:.2f} V (ref. 43) minus the de-alloying potentials gives "
                   f"{cells.LFP_PLATEAU_V - dealloy['Li3Au/delta']:.2f} and {cells.LFP_PLATEAU_V - dealloy['delta/intermediate']:.2f} V "
                   "before overpotential.")
    if abs(lfp_gap - dealloying_gap) <= slack_paper:
        verdict = "consistent"
    elif abs(lfp_gap - dealloying_gap) <= slack_dealloy:
        verdict = "consistent within rounding"
    else:
        verdict = "inconsistent"
    off = lfp_gap - alloying_gap
    against_alloying = f"{abs(off):.2f} V {'wider' if off > 0 else 'narrower'}"
    if verdict == "inconsistent":
        finding = (f"Against the measured de-alloying potentials the spacing does not agree either (±{slack_dealloy:.2f} V "
                   f"allowed); against the alloying ones it is {against_alloying}.")
    else:
        finding = (f"Against the measured de-alloying potentials the spacing agrees within their precision; against the "
                   f"alloying ones it is {against_alloying}, which is that hysteresis, not an inconsistency. (An earlier "
                   "version of this check called it inconsistent; the referee of issue 10 was right.)")
    comment = ("The paper sets its discharge plateaus beside the alloying plateaus of Fig. 4c; a discharge runs the anode "
               "the other way, and Li–Au de-alloys at higher potentials than it alloys below Li3Au (hysteresis). " + finding)
    return Check("LiFePO4 discharge plateaus vs the Li–Au de-alloying potentials (§3.3, Fig. 5a)",
                 computation, verdict, comment)


# --------------------------------------------------------------------------- §3.1 Raman
def phosphorus_oxidation_state(anion: str) -> float:
    """Oxidation state of P in a thiophosphate anion written as pymatgen writes ions (``"P2S6[-2]"``).

    pymatgen's :meth:`~pymatgen.core.ion.Ion.oxi_state_guesses` ranks the charge-balanced
    assignments by how common each oxidation state is; S takes −2 in the first.
    """
    from pymatgen.core.ion import Ion

    return float(Ion.from_formula(anion).oxi_state_guesses()[0]["P"])


#: The oxidation state of P in an ethane-like S3P–PS3 dimer: the homonuclear P–P bond adds
#: nothing, so each P is P(IV) (hypothiodiphosphate, P2S6(4−)).
P_P_BONDED_OXIDATION_STATE = phosphorus_oxidation_state("P2S6[-4]")


def raman_p2s6_assignment() -> Check:
    """The paper's "P–P stretch of P2S6(2−)" against the bonding its charge allows.

    A P–P bond in a P2S6 dimer needs each P to use one of its valence electrons on its partner:
    with three terminal S that is P(IV), the ethane-like hypothiodiphosphate P2S6(4−). P2S6(2−) has
    P(V), two edge-sharing tetrahedra joined through two bridging S and no P–P bond. (Dietrich et
    al., J. Mater. Chem. A 5 (2017) 18111, assign the bands of P2S6(4−) in
    Li4P2S6; the 310 cm⁻¹ band of the paper's Fig. 2d is not assigned there to P2S6(2−).)
    """
    reg = claims.registry()
    ox_2 = phosphorus_oxidation_state("P2S6[-2]")
    ox_4 = phosphorus_oxidation_state("P2S6[-4]")
    computation = (f"With S at −2, P2S6(2−) holds P({ox_2:+.0f}) and P2S6(4−) P({ox_4:+.0f}) (charge balance, pymatgen). "
                   f"An S3P–PS3 dimer with a P–P bond has P({P_P_BONDED_OXIDATION_STATE:+.0f}): only P2S6(4−) has one. "
                   f"The paper assigns its {reg['raman_310_band'].value} cm⁻¹ band to a 'P–P stretch' of P2S6(2−).")
    verdict = "consistent" if ox_2 == P_P_BONDED_OXIDATION_STATE else "inconsistent"
    if verdict == "inconsistent":
        comment = ("Either the band belongs to P2S6(4−) (Li4P2S6, which §3.1 finds by XRD in the conventional product) or "
                   "it is not a P–P stretch. The compendium's simulated spectra put it on P2S6(4−); the paper's text and "
                   "the stand-ins therefore name different anions, and only a measured spectrum can decide.")
    else:
        comment = "Charge balance allows a P–P bond in P2S6(2−): the assignment stands."
    return Check(f"Raman band at {reg['raman_310_band'].value} cm⁻¹ assigned to a P–P stretch of P2S6(2−) (§3.1, Fig. 2d)",
                 computation, verdict, comment)


#: Every check, in the order of the paper.
CHECKS = (raman_p2s6_assignment, membrane_conductivity_from_asr, energy_density_membrane_thickness, energy_density_band,
          li_plating_faraday, au_layer_growth, lfp_faraday_ce, lfp_plateau_spacing)

#: The checks of §3.3 (notebook 33 prints these; selected by name, not by position).
PERFORMANCE_CHECKS = (energy_density_membrane_thickness, energy_density_band, li_plating_faraday, au_layer_growth, lfp_faraday_ce,
                      lfp_plateau_spacing)


def run_all(checks=CHECKS) -> list[Check]:
    """Compute every consistency check (or the given ones)."""
    return [check() for check in checks]


def as_text(checks=CHECKS) -> str:
    """The given checks computed and written out, one block each (title, computation, verdict, comment).

    ``print(as_text(PERFORMANCE_CHECKS))`` is what notebook 33 shows; a notebook needs no loop for it.
    """
    return "\n".join(f"{c.title}\n  {c.computation}\n  verdict: {c.verdict}\n  {c.comment}\n" for c in run_all(checks))
