"""Sequence-to-sequence autoencoders and the siamese Seq2Seq metric model (SS2S).

:class:`Seq2SeqAutoencoder` is the one recurrent encoder-decoder of the library
(Compagnon's thesis, sections 2.1.4.4 and 3.3.3): an encoder reads the
(optionally corrupted) sequence and its last state ``y`` is the representation;
the decoder reads ``y`` repeated at every step and a linear read-out maps its
states back to the input channels, in the same time order::

    y      = h_T(encoder(mask(x)))          mask: each value zeroed w.p. p (training)
    x_hat  = Linear(decoder([y, y, ..., y]))

:class:`Seq2SeqMetricModule` runs it as a siamese pair (SS2S): both sequences of
a pair through the same autoencoder, plus a metric branch on ``y`` (identity, or
a :class:`~sktime_metric.nn.KISSMEHead`); :class:`Seq2SeqLoss` is its criterion,
``lambda * L_rec + (1 - lambda) * L_metric`` (eq. 3.46).
"""

import torch
from torch import nn

from ._lengths import length_mask, trim_to_length
from ._pairing import pad_time
from .distances import CosineDistance, EuclideanDistance, SquaredMahalanobisDistance
from .encoders import RecurrentEncoder
from .kissme import KISSMEHead, KISSMELoss
from .losses import ContrastiveLoss
from .reconstruction import CosineReconstructionLoss, SequenceMSELoss

__all__ = [
    "RECONSTRUCTION_LOSSES",
    "Seq2SeqAutoencoder",
    "Seq2SeqLoss",
    "Seq2SeqMetricModule",
]

#: The reconstruction losses by name, as :class:`Seq2SeqLoss` (and a per-sequence
#: reconstruction error, with ``reduction="none"``) build them.
RECONSTRUCTION_LOSSES = {"mse": SequenceMSELoss, "cosine": CosineReconstructionLoss}


class Seq2SeqAutoencoder(nn.Module):
    """Recurrent encoder-decoder with masking noise (a denoising autoencoder).

    Parameters
    ----------
    n_features : int
        Channels per time step.
    hidden_size : int, default=100
        Units of the encoder and of the decoder; the size of ``y``.
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        The thesis's SS2S uses LSTMs; its other chapters use GRUs.
    num_layers : int, default=1
    input_mask_p : float, default=0.3
        In training mode, each input *value* is set to zero with this
        probability (an element-wise Bernoulli mask on ``(time, channels)``);
        the reconstruction target stays the clean sequence.

    Notes
    -----
    ``forward(x, lengths)`` returns ``(y, reconstruction)``: ``(batch,
    hidden_size)`` and ``(batch, T, n_features)`` with ``T = lengths.max()``,
    zero past each length. ``encode(x, lengths)`` returns ``y`` without noise;
    ``decode(y, lengths, n_steps)`` the reconstruction. Both recurrences are
    causal fused kernels, so a sequence's outputs never depend on its padding
    or its batch mates.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import Seq2SeqAutoencoder
    >>> ae = Seq2SeqAutoencoder(n_features=3, hidden_size=8)
    >>> x, lengths = torch.randn(4, 10, 3), torch.tensor([10, 7, 3, 1])
    >>> y, x_hat = ae(x, lengths)
    >>> y.shape, x_hat.shape
    (torch.Size([4, 8]), torch.Size([4, 10, 3]))
    """

    def __init__(self, n_features, hidden_size=100, cell="lstm", num_layers=1,
                 input_mask_p=0.3):
        super().__init__()
        if not 0.0 <= input_mask_p < 1.0:
            raise ValueError(f"input_mask_p must be in [0, 1), got {input_mask_p!r}.")
        self.encoder = RecurrentEncoder(n_features, hidden_size, cell=cell,
                                        num_layers=num_layers)
        # the decoder reads y at every step, from a zero initial state (the thesis
        # says only that y is "fed as an input sequence" to the decoder)
        self.decoder = RecurrentEncoder(hidden_size, hidden_size, cell=cell,
                                        num_layers=num_layers)
        self.readout = nn.Linear(hidden_size, n_features)
        self.input_mask_p = input_mask_p
        self.output_size = hidden_size

    def corrupt(self, x):
        """Masking noise: zero each value with probability ``input_mask_p``.

        Only in training mode; evaluation and embedding see clean inputs.
        """
        if not self.training or self.input_mask_p == 0:
            return x
        return x * (torch.rand_like(x) >= self.input_mask_p).to(x.dtype)

    def encode(self, x, lengths):
        """The representation ``y``: the encoder's state at each last step."""
        return self.encoder.last_state(trim_to_length(x, lengths), lengths)

    def decode(self, y, lengths, n_steps=None):
        """Reconstruction ``(batch, n_steps, n_features)``, zero past each length."""
        n_steps = int(lengths.max()) if n_steps is None else n_steps
        inputs = y.unsqueeze(1).expand(-1, n_steps, -1).contiguous()
        states, _ = self.decoder(inputs, lengths)
        # the read-out's bias would make padded steps non-zero: mask them again
        mask = length_mask(lengths, n_steps).unsqueeze(-1)
        return self.readout(states) * mask.to(states.dtype)

    def forward(self, x, lengths):
        x = trim_to_length(x, lengths)
        y = self.encoder.last_state(self.corrupt(x), lengths)
        return y, self.decode(y, lengths, x.size(1))


class Seq2SeqMetricModule(nn.Module):
    """Siamese sequence-to-sequence network: shared autoencoder + metric branch.

    Parameters
    ----------
    n_features : int
    hidden_size : int, default=100
    cell : {"lstm", "gru", "rnn"}, default="lstm"
    num_layers : int, default=1
    input_mask_p : float, default=0.3
        The autoencoder's, see :class:`Seq2SeqAutoencoder`.
    projection_dim : int or None, default=None
        With an int, a :class:`~sktime_metric.nn.KISSMEHead` projects ``y`` to
        ``z = W_p^T y`` of this size (the KISSME variant); None: ``z = y``.
    projection_constraint : {"none", "orthogonal", "penalty"}, default="none"
        See :class:`~sktime_metric.nn.KISSMEHead`.
    reconstruct : bool, default=True
        Run the decoder in :meth:`forward`; False when only the metric is
        trained (the second stage of disjoint training).
    freeze_encoder : bool, default=False
        Exclude the encoder's weights from training (``requires_grad=False``).

    Notes
    -----
    From clean inputs: ``encode(x, lengths)`` returns the representation ``y``
    ``(batch, hidden_size)``, ``embed(x, lengths)`` its projection ``z``
    ``(batch, m)``, and ``reconstruction(x, lengths)`` the decoder's
    reconstruction ``(batch, lengths.max(), n_features)``, zero past each
    length. ``kissme_head`` is the :class:`~sktime_metric.nn.KISSMEHead` (its
    ``projection()`` ``W_p^T`` and buffer ``M``), or None.

    ``forward(x, lengths[, x2, lengths2])`` returns the tuple the criterion
    reads, ``(z, reconstruction, target, lengths, M)``: ``z`` of shape
    ``(batch, k, m)`` for ``k`` sequences per row (1, or 2 for pairs), then
    the ``k * batch`` stacked sequences' reconstructions and clean targets
    ``(k * batch, T, n_features)`` and their lengths (zero-size tensors when
    ``reconstruct=False``), and the head's matrix ``M`` (zero-size without a
    head). The module returns its clean input as the reconstruction target
    because it is the one that corrupts it.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import Seq2SeqMetricModule
    >>> module = Seq2SeqMetricModule(n_features=3, hidden_size=8, projection_dim=4)
    >>> x, lengths = torch.randn(4, 10, 3), torch.tensor([10, 7, 3, 1])
    >>> module.embed(x, lengths).shape
    torch.Size([4, 4])
    >>> z, x_hat, target, n, M = module(x, lengths, x.flip(0), lengths.flip(0))
    >>> z.shape, x_hat.shape, M.shape
    (torch.Size([4, 2, 4]), torch.Size([8, 10, 3]), torch.Size([4, 4]))
    """

    def __init__(
        self,
        n_features,
        hidden_size=100,
        cell="lstm",
        num_layers=1,
        input_mask_p=0.3,
        projection_dim=None,
        projection_constraint="none",
        reconstruct=True,
        freeze_encoder=False,
    ):
        super().__init__()
        self.autoencoder = Seq2SeqAutoencoder(
            n_features, hidden_size, cell=cell, num_layers=num_layers,
            input_mask_p=input_mask_p,
        )
        self.kissme_head = (
            None if projection_dim is None
            else KISSMEHead(hidden_size, projection_dim, constraint=projection_constraint)
        )
        self.reconstruct = reconstruct
        if freeze_encoder:
            self.autoencoder.encoder.requires_grad_(False)

    def _project(self, y):
        return y if self.kissme_head is None else self.kissme_head(y)

    def encode(self, x, lengths):
        return self.autoencoder.encode(x, lengths)

    def embed(self, x, lengths):
        return self._project(self.encode(x, lengths))

    def reconstruction(self, x, lengths):
        return self.autoencoder.decode(self.encode(x, lengths), lengths)

    def forward(self, x, lengths, x2=None, lengths2=None):
        parts = [(x, lengths)] if x2 is None else [(x, lengths), (x2, lengths2)]
        # one encoder (and decoder) call over the k * batch sequences
        n_steps = max(int(n.max()) for _, n in parts)
        x_all = torch.cat([pad_time(xi, n_steps) for xi, _ in parts])
        lengths_all = torch.cat([n for _, n in parts])
        ae = self.autoencoder
        y = ae.encoder.last_state(ae.corrupt(x_all), lengths_all)
        z = self._project(y).view(len(parts), x.size(0), -1).transpose(0, 1)
        empty = x_all.new_zeros(0)
        if self.reconstruct:  # the decoder always reads y, never z (thesis section 3.3.3)
            reconstruction = ae.decode(y, lengths_all, n_steps)
            target = x_all
        else:
            reconstruction = target = empty
            lengths_all = lengths_all.new_zeros(0)
        metric = empty if self.kissme_head is None else self.kissme_head.M
        return z, reconstruction, target, lengths_all, metric

    def penalty(self):
        """The head's orthonormality penalty (skorch adds it to the training loss)."""
        if self.kissme_head is None:
            return self.autoencoder.readout.bias.new_zeros(())
        return self.kissme_head.penalty()


class Seq2SeqLoss(nn.Module):
    """The SS2S criterion: ``lambda * L_rec + (1 - lambda) * L_metric`` (eq. 3.46).

    Parameters
    ----------
    metric_loss : {"contrastive", "pml_contrastive", "cosine", \
            "kissme_contrastive", "kissme_logratio"}, default="contrastive"
        The metric term, one :class:`~sktime_metric.nn.ContrastiveLoss` on one
        distance, or the KISSME log-ratio: "contrastive": Hadsell et al.'s
        squared-hinge loss on the Euclidean distance (eq. 3.4);
        "pml_contrastive": its unsquared form averaged over the active pairs
        (pytorch-metric-learning's); "cosine": ``1 - cos`` for similar and
        ``[cos - margin]_+`` for dissimilar pairs (Sec. 3.2.3.1);
        "kissme_contrastive": the squared Mahalanobis distance of the projected
        embeddings under the module's ``M``, unsquared (eq. 3.47);
        "kissme_logratio": :class:`~sktime_metric.nn.KISSMELoss` (eqs.
        3.43-3.44).
    margin : float, default=1.0
        For "cosine", the margin on the cosine similarity.
    reconstruction_loss : {"mse", "cosine"}, default="mse"
        :class:`~sktime_metric.nn.SequenceMSELoss` or the CRL
        (:class:`~sktime_metric.nn.CosineReconstructionLoss`).
    reconstruction_weight : float, default=0.5
        ``lambda``. 1: reconstruction only; 0: metric only.
    regularization : float, default=1e-3
        Ridge of "kissme_logratio"'s per-batch covariances.
    margin_scale : {"absolute", "relative", "dim"}, default="absolute"
        Units of "kissme_contrastive"'s margin, unused otherwise. "absolute": as
        printed; "relative": times the batch's mean similar-pair distance
        (``ContrastiveLoss(margin_scale="relative")``); "dim": distances per
        embedding dimension
        (``SquaredMahalanobisDistance(per_dimension=True)``).

    Notes
    -----
    ``forward(output, target)`` reads :class:`Seq2SeqMetricModule`'s output
    tuple and the pair labels. On single sequences (``z`` of shape
    ``(batch, 1, m)``), it is the reconstruction loss alone.

    Examples
    --------
    >>> import torch
    >>> from sktime_metric.nn import (ContrastiveLoss, Seq2SeqLoss,
    ...                               Seq2SeqMetricModule, SequenceMSELoss)
    >>> _ = torch.manual_seed(0)
    >>> module = Seq2SeqMetricModule(n_features=3, hidden_size=8)
    >>> x, lengths = torch.randn(2, 6, 3), torch.tensor([6, 4])
    >>> x[1, 4:] = 0  # zero-filled past each length
    >>> output = module(x, lengths, x.flip(0), lengths.flip(0))  # two pairs
    >>> target = torch.tensor([1, 0])  # similar, dissimilar
    >>> loss = Seq2SeqLoss(reconstruction_weight=0.25)(output, target)
    >>> z, reconstruction, clean, n, _ = output
    >>> parts = (SequenceMSELoss()(reconstruction, clean, n),
    ...          ContrastiveLoss()(z, target))  # "mse" and "contrastive"
    >>> loss.shape, torch.allclose(loss, 0.25 * parts[0] + 0.75 * parts[1])
    (torch.Size([]), True)
    >>> single = module(x, lengths)  # no pairs: the reconstruction loss alone
    >>> torch.allclose(Seq2SeqLoss()(single, target), SequenceMSELoss()(*single[1:4]))
    True
    """

    def __init__(self, metric_loss="contrastive", margin=1.0, reconstruction_loss="mse",
                 reconstruction_weight=0.5, regularization=1e-3,
                 margin_scale="absolute"):
        super().__init__()
        mahalanobis = SquaredMahalanobisDistance(per_dimension=margin_scale == "dim")
        losses = {
            "contrastive": lambda: ContrastiveLoss(margin, EuclideanDistance()),
            "pml_contrastive": lambda: ContrastiveLoss(
                margin, EuclideanDistance(), power=1, reduction="nonzero"),
            # [cos - m]_+ = [(1 - m) - (1 - cos)]_+: margin 1 - m on 1 - cos
            "cosine": lambda: ContrastiveLoss(1 - margin, CosineDistance(), power=1),
            "kissme_contrastive": lambda: ContrastiveLoss(
                margin, mahalanobis, power=1,
                margin_scale="relative" if margin_scale == "relative" else "absolute"),
            "kissme_logratio": lambda: KISSMELoss(regularization=regularization),
        }
        if metric_loss not in losses:
            raise ValueError(f"metric_loss must be one of {sorted(losses)}, got "
                             f"{metric_loss!r}.")
        if margin_scale not in ("absolute", "relative", "dim"):
            raise ValueError("margin_scale must be 'absolute', 'relative' or 'dim', "
                             f"got {margin_scale!r}.")
        if reconstruction_loss not in RECONSTRUCTION_LOSSES:
            raise ValueError("reconstruction_loss must be 'mse' or 'cosine', got "
                             f"{reconstruction_loss!r}.")
        self.metric_loss = metric_loss
        self.metric = losses[metric_loss]()
        self.reconstruction = RECONSTRUCTION_LOSSES[reconstruction_loss]()
        self.reconstruction_weight = reconstruction_weight

    def forward(self, output, target):
        z, reconstruction, clean, lengths, metric = output
        if z.size(1) == 1:
            return self.reconstruction(reconstruction, clean, lengths)
        weight = self.reconstruction_weight
        loss = z.new_zeros(())
        if weight > 0:
            loss = loss + weight * self.reconstruction(reconstruction, clean, lengths)
        if weight < 1:
            target = target.reshape(-1).to(z.device)
            # the Mahalanobis distance and the log-ratio read M; the others do not
            m = (metric,) if self.metric_loss.startswith("kissme") else ()
            loss = loss + (1 - weight) * self.metric(z, target, *m)
        return loss
