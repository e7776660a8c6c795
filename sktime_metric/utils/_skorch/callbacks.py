"""skorch callbacks that skorch does not ship: clipping, schedules, scores, updates.

Where skorch or torch has the mechanism, the callback is built on it (the plateau
decay on skorch's ``LRScheduler`` + torch's ``ReduceLROnPlateau``, the averaging on
torch's ``AveragedModel``) and only the missing part is ours.
"""

import copy
import math

import numpy as np
import torch
from skorch.callbacks import Callback, EpochScoring, LRScheduler
from torch.optim.swa_utils import AveragedModel


class AfterLearningStarts(Callback):
    """Run another callback's epoch-end only once the training loss beat a baseline.

    A plateau schedule or a stop on the training loss reads an early rise of the
    loss (common in the first epochs at a large learning rate) as a plateau:
    it decays the learning rate until nothing moves and stops a model that
    never learned (measured: HCRF on ArrowHead stopped at the uniform
    prediction's loss, ln 3). Wrapped here, the callback sees no epoch until
    ``monitor`` first falls below ``baseline`` (the loss of predicting the class
    frequencies); before that, training runs on at the full learning rate, up
    to ``max_epochs``. skorch's callbacks have no such start condition.

    Parameters
    ----------
    callback : skorch Callback
        Gets every hook; ``on_epoch_end`` only once learning started.
    baseline : float or None
        None: no condition.
    monitor : str, default="train_loss"
    """

    def __init__(self, callback, baseline, monitor="train_loss"):
        self.callback = callback
        self.baseline = baseline
        self.monitor = monitor

    def initialize(self):
        self.callback.initialize()
        return self

    def on_train_begin(self, net, **kwargs):
        self.started_ = self.baseline is None
        self.callback.on_train_begin(net, **kwargs)

    def on_epoch_end(self, net, **kwargs):
        if not self.started_:
            self.started_ = bool(net.history[-1, self.monitor] < self.baseline)
            if not self.started_:
                return
        self.callback.on_epoch_end(net, **kwargs)

    def on_train_end(self, net, **kwargs):
        self.callback.on_train_end(net, **kwargs)

    def on_epoch_begin(self, net, **kwargs):
        self.callback.on_epoch_begin(net, **kwargs)

    def on_batch_begin(self, net, **kwargs):
        self.callback.on_batch_begin(net, **kwargs)

    def on_batch_end(self, net, **kwargs):
        self.callback.on_batch_end(net, **kwargs)

    def on_grad_computed(self, net, named_parameters, **kwargs):
        self.callback.on_grad_computed(net, named_parameters, **kwargs)


class ResampleEachEpoch(Callback):
    """Call ``dataset_train.resample()`` before every epoch but the first.

    A pair dataset drawn from labels is redrawn each epoch, so training sees
    fresh pairs instead of one fixed list (the dataset holds its own seeded
    generator and made its first draw when it was built).
    """

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        resample = getattr(dataset_train, "resample", None)
        if resample is not None and len(net.history) > 1:
            resample()


class PairAUCScoring:
    """ROC AUC of a siamese net's pair scores: the scoring of ``EpochScoring``.

    The criterion says what "more similar" is (``criterion_.pair_scores``):
    logits of the similarity head, or minus embedding distances. Batches of
    pairs are scored against their labels; a triplet ``(a, p, n)`` counts as
    the similar pair ``(a, p)`` and the dissimilar pair ``(a, n)``.
    """

    def __call__(self, net, X, y=None):
        from sklearn.metrics import roc_auc_score

        scores = torch.cat(
            [net.criterion_.pair_scores(*out).cpu() for out in net.forward_iter(X)]
        ).numpy()
        if scores.shape[1] == 1:
            labels = np.asarray(y).reshape(-1)
        else:
            labels = np.tile([1, 0], (len(scores), 1))
        return roc_auc_score(labels.reshape(-1), scores.reshape(-1))


def pair_auc_scoring():
    """Per-epoch ``valid_auc``: the pair ROC AUC on the validation tuples."""
    return EpochScoring(
        PairAUCScoring(),
        name="valid_auc",
        lower_is_better=False,
        on_train=False,
        use_caching=True,
    )


class LRDecayOnPlateau(LRScheduler):
    """Multiply the learning rate by ``factor`` when a score stops improving.

    After ``patience`` epochs without improving on the best ``monitor`` value,
    the learning rate is multiplied by ``factor``, the counter restarts and, if
    ``restore_best``, the weights of the best epoch are loaded back: training
    resumes from the best point with smaller steps (the siamese RNN authors'
    rule: decay by 0.4 after 4 stale validation checks and reload the best
    checkpoint).

    The decay is skorch's ``LRScheduler`` with torch's ``ReduceLROnPlateau``
    (``patience - 1`` in torch's count, which decays after *more than*
    ``patience`` bad epochs; ``threshold=0``: any strict improvement counts;
    ``eps=0``: the rate keeps decaying however small). Only the reload is
    ours: skorch reloads the best weights at the end of training
    (``EarlyStopping(load_best=True)``) or at its start (``Checkpoint`` +
    ``LoadInitState``, through files), and torch's scheduler has no hook at
    the decay.

    Parameters
    ----------
    monitor : str
        History key, e.g. "valid_auc".
    lower_is_better : bool
    factor : float
    patience : int
        At least 1.
    restore_best : bool, default=True
    """

    # fixed, so not parameters (skorch's get_params lists the instance's keys)
    policy = torch.optim.lr_scheduler.ReduceLROnPlateau
    event_name = "event_lr"
    step_every = "epoch"

    def __init__(self, monitor, lower_is_better, factor, patience, restore_best=True):
        self.monitor = monitor
        self.lower_is_better = lower_is_better
        self.factor = factor
        self.patience = patience
        self.restore_best = restore_best

    @property
    def kwargs(self):
        # the arguments of ReduceLROnPlateau (skorch's LRScheduler reads them here)
        return dict(
            mode="min" if self.lower_is_better else "max",
            factor=self.factor,
            patience=self.patience - 1,
            threshold=0.0,
            eps=0.0,
        )

    def initialize(self):
        if self.patience < 1:
            raise ValueError(f"patience must be at least 1, got {self.patience}.")
        return super().initialize()

    def on_train_begin(self, net, **kwargs):
        super().on_train_begin(net, **kwargs)
        self.best_state_ = None

    def on_epoch_end(self, net, **kwargs):
        scheduler = self.lr_scheduler_
        best = scheduler.best
        super().on_epoch_end(net, **kwargs)  # steps the scheduler on the score
        if not self.restore_best:
            return
        if scheduler.best != best:  # a new best (threshold 0: strictly better)
            self.best_state_ = copy.deepcopy(net.module_.state_dict())
        # no new best, yet no bad epoch counted: the scheduler has just decayed
        elif scheduler.num_bad_epochs == 0 and self.best_state_ is not None:
            net.module_.load_state_dict(self.best_state_)

    def on_train_end(self, net, **kwargs):
        self.best_state_ = None  # do not pickle a second copy of the weights


class GradientValueClipping(Callback):
    """Clip each gradient element to ``[-clip_value, clip_value]``.

    skorch ships norm clipping only; the TAGM chapter clips values (to +-5), as
    did the Torch7 code of the RNN baselines it compares with.
    """

    def __init__(self, clip_value):
        self.clip_value = clip_value

    def on_grad_computed(self, net, named_parameters, **kwargs):
        torch.nn.utils.clip_grad_value_(
            [p for _, p in named_parameters], self.clip_value
        )


class ParameterAveraging(Callback):
    """Iterate (Polyak) averaging: end with the mean of the last epochs' weights.

    From epoch ``start`` on, the module's parameters enter an equal-weight
    running mean at the end of each epoch (torch's
    ``torch.optim.swa_utils.AveragedModel``); when training ends, the mean
    replaces the parameters (buffers stay as trained). The HULM authors' SGD
    trainers average from epoch ``round(2/3 max_epochs)`` and return the
    averaged model. If training stops before ``start``, the weights are left
    as they are. What stays ours is the skorch side: the start epoch and the
    swap at the end of training.

    Parameters
    ----------
    start : int or float, default=2/3
        First epoch (counted from 1) that enters the mean, or, as a float in
        (0, 1], that fraction of ``net.max_epochs``, rounded up.

    Attributes
    ----------
    n_averaged_ : int
        Number of epochs in the mean of the last training run.
    """

    def __init__(self, start=2 / 3):
        self.start = start

    def initialize(self):
        self.average_, self.n_averaged_ = None, 0
        return self

    def _start_epoch(self, net):
        if isinstance(self.start, float):
            return max(1, math.ceil(self.start * net.max_epochs))
        return self.start

    def on_train_begin(self, net, **kwargs):
        self.average_, self.n_averaged_ = None, 0

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) < self._start_epoch(net):
            return
        if self.average_ is None:
            self.average_ = AveragedModel(net.module_)
        self.average_.update_parameters(net.module_)
        self.n_averaged_ = int(self.average_.n_averaged)

    def on_train_end(self, net, **kwargs):
        if self.average_ is not None:
            with torch.no_grad():
                for p, mean in zip(net.module_.parameters(),
                                   self.average_.module.parameters(), strict=True):
                    p.copy_(mean)
        self.average_ = None  # the mean is in the module now; keep pickles small


class RecordModuleStatistic(Callback):
    """Record ``module_.<method>()`` in the history at the end of every epoch.

    E.g. the coupled GRU's coupling-weight norm (``method="coupling_norm"``),
    whose growth during training the thesis relates to accuracy (Fig. 4.3).

    Parameters
    ----------
    name : str
        History key.
    method : str
        Name of a module method returning a scalar.
    """

    def __init__(self, name, method):
        self.name = name
        self.method = method

    def on_epoch_end(self, net, **kwargs):
        with torch.no_grad():
            value = getattr(net.module_, self.method)()
        net.history.record(self.name, float(value))


class NearestNeighborScoring(Callback):
    """Per-epoch 1-nearest-neighbour accuracy under the module's learned distance.

    The validation series are classified by their nearest reference (training)
    series under ``module_.pairwise_distances(x, lengths, x_ref, lengths_ref)``:
    the early-stopping score of the coupled GRU chapter, for models whose
    distance needs a joint pass over each pair (no per-series embedding). Costs
    ``n_valid * n_ref`` pair evaluations per epoch.

    Parameters
    ----------
    reference : tuple of (x, lengths, y)
        Zero-padded float32 series, their lengths and labels (arrays).
    valid : tuple of (x, lengths, y)
    name : str, default="valid_knn_acc"
    chunk_size : int, default=4096
        Pairs per chunk.
    leave_one_out : bool, default=False
        ``reference`` is ``valid`` itself: each series is classified by its
        nearest *other* series (held-out classes, which no training series
        belongs to).
    """

    def __init__(self, reference, valid, name="valid_knn_acc", chunk_size=4096,
                 leave_one_out=False):
        self.reference = reference
        self.valid = valid
        self.name = name
        self.chunk_size = chunk_size
        self.leave_one_out = leave_one_out

    def on_epoch_end(self, net, **kwargs):
        device = net.device
        x_ref, len_ref, y_ref = self.reference
        x, lengths, y = self.valid
        distances = net.module_.pairwise_distances(
            torch.as_tensor(x, device=device),
            torch.as_tensor(lengths, device=device),
            torch.as_tensor(x_ref, device=device),
            torch.as_tensor(len_ref, device=device),
            chunk_size=self.chunk_size,
        )
        if self.leave_one_out:
            distances = distances.clone()
            distances.fill_diagonal_(float("inf"))
        nearest = distances.argmin(dim=1).cpu().numpy()
        accuracy = float(np.mean(np.asarray(y_ref)[nearest] == np.asarray(y)))
        net.history.record(self.name, accuracy)


class InitialModuleState(Callback):
    """Start training from given module weights (a previous stage's).

    The second stage of a two-stage fit builds a fresh net; this loads the
    first stage's ``state_dict`` into it (or into its ``submodule``, e.g. a
    pretrained encoder) before the first epoch (in place, so the optimiser
    keeps its parameters), then drops the copy so that it is not pickled with
    the net.

    Parameters
    ----------
    state_dict : dict
    submodule : str or None, default=None
        Attribute of ``net.module_`` to load into; None: the whole module.
    """

    def __init__(self, state_dict, submodule=None):
        self.state_dict = state_dict
        self.submodule = submodule

    def on_train_begin(self, net, **kwargs):
        if self.state_dict is not None:
            module = net.module_
            if self.submodule is not None:
                module = getattr(module, self.submodule)
            module.load_state_dict(self.state_dict)
        self.state_dict = None


class KISSMEUpdate(Callback):
    """Closed-form update of a KISSME head's matrix ``M`` (thesis eq. 3.45).

    At the start of training, after every ``every``-th epoch and at the end of
    training, the module is switched to evaluation mode (no input noise) and,
    without gradients, the training set's pairs are embedded with
    ``module_.embed(x, lengths)`` (each series once); from the differences
    ``Delta = z_i - z_j`` of the similar and of the dissimilar pairs,
    ``solver(Sigma_S, Sigma_D, regularization=...)`` gives ``M``, copied into
    ``module_.kissme_head`` with ``set_metric``. The history records
    ``kissme_update`` (True on update epochs), the clipped eigenvalues and, in
    the last epoch's row, ``kissme_final_update`` (True): the update at the end
    of training, which leaves ``M`` the closed form of the final projection,
    never one computed ``every`` epochs or more before (after 40 epochs with
    ``every=30``, ``M`` would otherwise be 10 epochs stale). ``M`` is not a
    parameter, so no gradient ever reaches it.

    Parameters
    ----------
    solver : callable
        ``solver(sigma_similar, sigma_dissimilar, regularization=r)`` returning
        ``(M, eigenvalues, ...)``: :func:`~sktime_metric.metric.kissme_metric`.
    every : int, default=30
    regularization : float, default=1e-3
        Relative ridge of both covariances (see ``solver``).
    normalization : {"mean", "sum"}, default="mean"
        Covariances as means over pairs (Koestinger) or the thesis's sums.
    batch_size : int, default=1024
        Series embedded per forward pass.

    Notes
    -----
    The training data must be a pair dataset with ``X``, ``lengths``, ``tuples``
    ``(n, 2)`` and ``targets`` (:class:`~sktime_metric.metric._pairs.PairDataset`).
    An update makes the loss jump; early stopping needs a patience of at least
    ``every`` epochs. Place the callback after any that reloads weights at the
    end of training (skorch's ``EarlyStopping(load_best=True)``), so that the
    final update sees the weights the net keeps.
    """

    def __init__(self, solver, every=30, regularization=1e-3, normalization="mean",
                 batch_size=1024):
        self.solver = solver
        self.every = every
        self.regularization = regularization
        self.normalization = normalization
        self.batch_size = batch_size

    def _embed(self, module, x, lengths, device):
        return torch.cat([
            module.embed(xb.to(device), nb.to(device)).double().cpu()
            for xb, nb in zip(x.split(self.batch_size), lengths.split(self.batch_size))
        ])

    def update(self, net, dataset):
        """Recompute ``M`` from every pair of ``dataset``; returns it (numpy)."""
        module = net.module_
        was_training = module.training
        module.eval()
        try:
            with torch.no_grad():
                tuples = torch.as_tensor(dataset.tuples)
                used, index = torch.unique(tuples, return_inverse=True)
                z = self._embed(module, dataset.X[used], dataset.lengths[used],
                                net.device)
                delta = (z[index[:, 0]] - z[index[:, 1]]).numpy()
        finally:
            module.train(was_training)
        similar = np.asarray(dataset.targets).reshape(-1) > 0
        sigmas = []
        for d in (delta[similar], delta[~similar]):
            if len(d) == 0:
                raise ValueError(
                    "KISSMEUpdate needs similar and dissimilar training pairs; "
                    f"got {int(similar.sum())} similar and {int((~similar).sum())} "
                    "dissimilar."
                )
            total = d.T @ d
            sigmas.append(total / len(d) if self.normalization == "mean" else total)
        M, eigenvalues = self.solver(*sigmas, regularization=self.regularization)[:2]
        module.kissme_head.set_metric(M)
        self.eigenvalues_ = np.asarray(eigenvalues)
        return M

    def on_train_begin(self, net, X=None, **kwargs):
        self.update(net, X)

    def on_epoch_end(self, net, dataset_train=None, **kwargs):
        epoch = len(net.history)
        updated = epoch % self.every == 0
        if updated:
            self.update(net, dataset_train)
        net.history.record("kissme_update", updated)
        net.history.record("kissme_eigenvalues", self.eigenvalues_.tolist())

    def on_train_end(self, net, X=None, **kwargs):
        if len(net.history) == 0:  # no epoch ran: M is the one of train start
            return
        self.update(net, X)
        net.history.record("kissme_final_update", True)
