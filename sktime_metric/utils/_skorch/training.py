"""Callbacks that steer the gradient steps: clipping, a plateau schedule, averaging.

Where skorch or torch has the mechanism, the callback is built on it (the plateau
decay on skorch's ``LRScheduler`` + torch's ``ReduceLROnPlateau``, the averaging on
torch's ``AveragedModel``) and only the missing part is ours:
:class:`AfterLearningStarts` (a start condition for schedules and stops),
:class:`LRDecayOnPlateau` (the reload of the best weights at each decay),
:class:`GradientValueClipping` and :class:`ParameterAveraging`.
"""

import copy
import math

import torch
from skorch.callbacks import Callback, LRScheduler
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
    min_epochs : int, default=0
        Nor before the ``min_epochs``-th epoch.
    """

    def __init__(self, callback, baseline, monitor="train_loss", min_epochs=0):
        self.callback = callback
        self.baseline = baseline
        self.monitor = monitor
        self.min_epochs = min_epochs

    def initialize(self):
        self.callback.initialize()
        return self

    def on_train_begin(self, net, **kwargs):
        self.started_ = False
        self.callback.on_train_begin(net, **kwargs)

    def on_epoch_end(self, net, **kwargs):
        if not self.started_:
            self.started_ = len(net.history) >= self.min_epochs and (
                self.baseline is None
                or bool(net.history[-1, self.monitor] < self.baseline)
            )
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
