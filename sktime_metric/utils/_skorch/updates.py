"""Callbacks that change the module or its data outside the gradient steps.

:class:`InitialModuleState` starts a fit from a previous stage's weights,
:class:`ResampleEachEpoch` redraws a pair dataset before each epoch, and
:class:`KISSMEUpdate` recomputes a KISSME head's matrix in closed form every few
epochs.
"""

import numpy as np
import torch
from skorch.callbacks import Callback


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
    ``solver(Delta_S, Delta_D, normalization=..., regularization=...)`` gives
    ``M``, copied into
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
        ``solver(similar, dissimilar, normalization=n, regularization=r)`` on
        the pair differences, returning ``(M, eigenvalues, ...)``:
        :func:`~sktime_metric.metric._kissme_closed_form.kissme_from_differences`.
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
            module.embed(xb.to(device), nb.to(device)).cpu().double()
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
        M, eigenvalues = self.solver(delta[similar], delta[~similar],
                                     normalization=self.normalization,
                                     regularization=self.regularization)[:2]
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
