"""How the HULM chapter's chain CRFs train: the rules HULM and the HCRF share.

:class:`HULMClassifier` and :class:`HCRFClassifier` maximise a conditional
log-likelihood with the hidden states summed out (thesis eq. 2.14; Quattoni et
al. 2007), with the same optimiser, learning-rate rules and stopping rule (the
HULM chapter trains them alike, and its naive logistic baseline too). Summing
out hidden states makes that likelihood non-concave in the parameters, so a
fit can settle on a plateau that another initialisation avoids: ``n_init``
restarts keep the fit with the lowest final training loss, as
scikit-learn's ``GaussianMixture`` keeps the restart with the highest
likelihood.
"""

from numbers import Integral, Real

import numpy as np
import torch

from .._learning import learning_baseline, steps_batch_size
from ..utils._sklearn_compat import Interval, StrOptions
from ..utils._skorch import (
    SequenceNetClassifier,
    training_loss_callbacks,
    validation_split,
)

__all__ = ["CHAIN_CRF_ATTRIBUTES_ADDED", "CHAIN_CRF_CONSTRAINTS",
           "CHAIN_CRF_PARAMETERS_ADDED", "chain_crf_net", "restart_seeds",
           "train_restarts", "training_objective"]

# Parameters HULMClassifier and HCRFClassifier add to the base's.
CHAIN_CRF_CONSTRAINTS = {
    "l2": [Interval(Real, 0, None, closed="left")],
    "window": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "stride": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "init_std": [Interval(Real, 0, None, closed="neither")],
    "length_normalize": ["boolean"],
    "lr_schedule": [StrOptions({"plateau", "exponential"}), None],
    "average_from": [Interval(Real, 0, 1, closed="right"), None],
    "n_init": [Interval(Integral, 1, None, closed="left")],
}

# What an archive of either class written before a parameter existed loads
# with: the value that reproduces the model it holds (persistence.load_weights):
# windows at every step, the summed logits, no class weights; one fit (n_init
# only affects refitting). The fitted attributes that came with "auto" are
# the parameters' values there.
CHAIN_CRF_PARAMETERS_ADDED = {"stride": 1, "length_normalize": False,
                              "class_weight": None, "n_init": 1}
CHAIN_CRF_ATTRIBUTES_ADDED = {"window_": ("window", int), "stride_": ("stride", int)}


def chain_crf_net(estimator, module, module_params, y_codes, weights, seed,
                  classes=None):
    """The skorch net of ``module`` trained by the HULM chapter's rules.

    The module's outputs are class logits (``log M_k`` for the chain CRFs), so
    cross-entropy is the negative conditional log-likelihood, and its
    ``penalty()`` adds ``l2``. With ``weights``, per-series losses that the
    net averages with them; small training sets cut into 8 batches an epoch
    (:func:`steps_batch_size`); a stratified hold-out with ``early_stopping``;
    the authors' learning-rate and stopping rules.
    """
    return estimator._make_net(
        SequenceNetClassifier,
        module,
        module_params,
        criterion=torch.nn.CrossEntropyLoss,
        criterion__reduction="mean" if weights is None else "none",
        batch_size=steps_batch_size(estimator.batch_size, len(y_codes)),
        train_split=validation_split(estimator.early_stopping,
                                     estimator.validation_fraction,
                                     stratified=True, seed=seed, y=y_codes,
                                     classes=classes),
        callbacks=chain_crf_callbacks(estimator, y_codes),
    )


def chain_crf_callbacks(estimator, y):
    """The shared callbacks with the authors' training-loss rules placed first.

    The rules start counting once the training loss beat the class
    frequencies' (``learning_baseline(y)``).
    """
    return estimator._training_callbacks(
        "valid_acc", lower_is_better=False,
        scoring=training_loss_callbacks(
            lr_schedule=estimator.lr_schedule,
            average_from=estimator.average_from,
            early_stopping=estimator.early_stopping,
            n_iter_no_change=estimator.n_iter_no_change,
            baseline=learning_baseline(y),
        ),
    )


def restart_seeds(seed, n_init):
    """The seeds of ``n_init`` restarts: the fit's own ``seed`` first (so that
    ``n_init=1`` is the plain fit), then ``n_init - 1`` drawn from it.

    Examples
    --------
    >>> from sktime_metric.classification._chain_crf import restart_seeds
    >>> seeds = restart_seeds(0, 3)
    >>> seeds[0], len(set(seeds)), restart_seeds(0, 2) == seeds[:2]
    (0, 3, True)
    """
    drawn = np.random.default_rng(seed).integers(2**31 - 1, size=n_init - 1)
    return [int(seed), *(int(s) for s in drawn)]


def training_objective(net, logits, y_codes, weights):
    """The loss a fit minimised, for its final parameters on its training series.

    The net's own training loss (its criterion, the sample weights' weighted
    mean, the module's ``l2`` penalty) on the ``logits`` of the trained model,
    which :meth:`~sktime_metric.base.BaseSequenceNet._predict_batches` computed:
    with parameter averaging the final model is the average, not the last
    step's.
    """
    # on the net's device, where the module's penalty() is computed
    device = net.device
    X = None if weights is None else {"sample_weight": torch.as_tensor(weights)}
    with torch.no_grad():
        loss = net.get_loss(logits.to(device), torch.as_tensor(y_codes, device=device),
                            X=X, training=True)
    return float(loss)


def train_restarts(estimator, build, inputs, lengths, y_codes, weights, seed):
    """Train ``estimator.n_init`` nets made by ``build()``; the best and its logits.

    Restart ``k`` is seeded with ``restart_seeds(seed, n_init)[k]``; the net
    kept is the one with the lowest :func:`training_objective` on the
    training series (``inputs``, ``lengths``; ``weights`` per series or None),
    returned with its logits on them. Each restart goes through the
    estimator's ``_train`` (seeded, one fit at a time) and ``_predict_batches``.
    With ``early_stopping``, every restart holds out the same series and the
    loss compared is on all of them, the held-out ones included. A restart
    whose outputs overflowed on a series (diverged) loses to any other; if
    every one did, the first's overflow is refused, naming the series.
    """
    weighted = inputs if weights is None else {**inputs, "sample_weight": weights}
    best = None
    for init_seed in restart_seeds(seed, estimator.n_init):
        estimator.net_ = estimator._train(build(), weighted, y_codes, init_seed)
        logits = estimator._predict_batches(inputs, lengths, finite=False)[0]
        loss = (training_objective(estimator.net_, logits, y_codes, weights)
                if bool(torch.isfinite(logits).all()) else np.inf)
        loss = loss if np.isfinite(loss) else np.inf
        if best is None or loss < best[0]:
            best = (loss, estimator.net_, logits)
    if not np.isfinite(best[0]):
        estimator.net_ = best[1]
        estimator._predict_batches(inputs, lengths)  # names the series
    return best[1], best[2]
