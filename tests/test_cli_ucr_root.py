"""``sktime-metric benchmark --ucr-root``: names suggested as ``load_ucr_wheel``
suggests them, and ``--dataset all`` as every dataset of the folder.

A name in the wrong case (``coffee``) got no "did you mean", and ``--dataset
all`` looked for a dataset called "all", though the option's help gave 'all'
as every dataset.
"""

import numpy as np

from sktime_metric.cli import main


def _archive(root):
    """Two univariate toy sets in the archive's .tsv layout: ``Coffee`` in its
    folder, ``GunPoint`` directly in ``root``."""
    rng = np.random.RandomState(0)
    (root / "Coffee").mkdir()
    for folder, name in ((root / "Coffee", "Coffee"), (root, "GunPoint")):
        for split, n in (("TRAIN", 8), ("TEST", 6)):
            labels = np.arange(n) % 2
            values = rng.normal(size=(n, 10)) + 3 * labels[:, None]
            (folder / f"{name}_{split}.tsv").write_text("\n".join(
                "\t".join([str(label), *(f"{v:.6f}" for v in row)])
                for label, row in zip(labels, values)) + "\n")


_COMMAND = ["benchmark", "--quick", "--estimators", "dtw_1nn", "--no-progress"]


def test_a_name_in_the_wrong_case_is_suggested(tmp_path, capsys):
    _archive(tmp_path)
    assert main([*_COMMAND, "--ucr-root", str(tmp_path), "--dataset", "coffee"]) == 2
    assert "Did you mean 'Coffee'?" in capsys.readouterr().err


def test_all_runs_every_dataset_of_the_folder(tmp_path, capsys, monkeypatch):
    _archive(tmp_path)
    # the folder is listed once per run (it was globbed twice: counted for
    # the chart's check, then listed again to load)
    from sktime_metric.datasets import _ts_format

    listed = []
    real = _ts_format._archive_datasets
    monkeypatch.setattr(_ts_format, "_archive_datasets",
                        lambda root: listed.append(root) or real(root))
    assert main([*_COMMAND, "--ucr-root", str(tmp_path), "--dataset", "all"]) == 0
    assert len(listed) == 1
    out = capsys.readouterr().out
    assert "sktime-metric benchmark: Coffee, GunPoint (quick mode" in out
    assert "| Coffee " in out and "| GunPoint " in out


def test_all_of_a_folder_without_datasets_is_refused(tmp_path, capsys):
    assert main([*_COMMAND, "--ucr-root", str(tmp_path), "--dataset", "all"]) == 2
    assert "--dataset all: no dataset in --ucr-root" in capsys.readouterr().err
