"""The wording of the ``sktime-metric`` commands' summaries."""

import numpy as np

from sktime_metric.cli import main


def test_fit_summary_of_one_channel_is_singular(tmp_path, capsys):
    # a univariate file was summarised as "1 channels"
    rng = np.random.RandomState(0)
    labels = np.arange(8) % 2
    values = rng.normal(size=(8, 10)) + 3 * labels[:, None]
    train = tmp_path / "uni_TRAIN.tsv"
    train.write_text("\n".join("\t".join([str(label), *(f"{v:.6f}" for v in row)])
                               for label, row in zip(labels, values)) + "\n")
    assert main(["fit", "--train", str(train), "--estimator", "gru",
                 "--max-epochs", "1", "--no-progress",
                 "--output", str(tmp_path / "model.zip")]) == 0
    assert "(2 classes, 1 channel) in " in capsys.readouterr().out
