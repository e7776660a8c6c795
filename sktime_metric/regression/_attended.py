"""AttentionSequenceRegressor: spatial and temporal attention for sequence regression."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import (
    ClassNamePrefixFeaturesOutMixin,
    RegressorMixin,
    TransformerMixin,
)
from sklearn.utils.validation import (
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)

from .._fitted import reset_fitted_state
from ..base import (
    BaseSequenceNet,
    derive_seed,
    steps_batch_size,
    warn_if_regressor_not_learned,
)
from ..nn.attended import AttendedRegressorModule
from ..utils._containers import narrow_long_double
from ..utils._labels import _refuse_infinite, _refuse_missing
from ..utils._scaling import scaled_targets
from ..utils._sklearn_compat import Interval, StrOptions, _check_y
from ..utils._skorch import SequenceNet, validation_split
from ..utils._time import refuse_time_values
from ..utils.validation import nan_padded
from ._frames import frame_module_params, is_frames, validate_frames
from ._presets import THESIS_PARAMS

__all__ = ["AttentionSequenceRegressor"]


class AttentionSequenceRegressor(ClassNamePrefixFeaturesOutMixin, RegressorMixin,
                                 TransformerMixin, BaseSequenceNet):
    """Sequence regressor with spatial and temporal attention (Pei's thesis, ch. 4).

    Each step of a sequence is mapped to a feature vector ``p_t`` (a linear
    layer with ReLU for per-step features; for videos, a small CNN whose
    feature map is re-weighted by a spatial attention, thesis eqs. 4.1-4.2), a
    two-layer ReLU RNN reads them (eq. 4.3), a temporal attention weighs its
    states (eqs. 4.4-4.5) into one summary ``s`` (eq. 4.6), and a linear
    regressor predicts the target (eq. 4.7). Trained end to end with the mean
    absolute error (eq. 4.8) plus an L2 penalty, RMSprop and element-wise
    gradient clipping. The thesis estimates a person's age from a smile video;
    nothing in the model is face-specific.

    Inputs (``input_type="auto"`` decides by the number of dimensions):

    - per-step features ``(n_samples, n_timestamps, n_features)``, the
      library's sequence format (NaN-padded; lists of ``(T_i, d)`` arrays);
    - videos ``(n_samples, n_frames, H, W)`` (grey) or ``(n_samples, n_frames,
      H, W, C)``, NaN-padded with whole frames, or a list of videos, aligned
      and cropped beforehand (see :ref:`regression_videos`).

    Parameters
    ----------
    hidden_size : int, default=32
        ``n``: units of the recurrent layers and of the per-step features.
    input_type : {"auto", "features", "frames"}, default="auto"
        "auto": 4-D and 5-D arrays (or lists of 3-D/4-D videos) are frames,
        anything else per-step features.
    recurrent : bool, default=True
        The recurrent dynamic module (eq. 4.3). False: the states are the
        per-step features themselves.
    num_layers : int, default=2
        Recurrent layers (the thesis: 2).
    temporal_attention : bool, default=True
        False: the summary is the mean of the states over each sequence. With
        ``recurrent=False`` too, this is the thesis's "CNN only" ablation, a
        linear estimate per step averaged over the sequence.
    temporal_attention_dim : int, default=32
        ``n'`` of eq. 4.4 (not reported in the thesis).
    spatial_attention : {"indexed", "agnostic", "full", "mediate"} or None, \
            default="indexed"
        Frames only. Which layers of eq. 4.1 have weights per location:
        "indexed" the first (the thesis's choice), "agnostic" none (usual soft
        attention), "full" both, "mediate" the second. None: no spatial
        attention. Ignored for per-step features, which have no spatial axes.
    spatial_attention_after : {1, 2, 3}, default=2
        The convolutional block whose output is attended (the thesis: 2).
    spatial_attention_dim : int, default=16
        ``d`` of eq. 4.1 (not reported in the thesis).
    cnn_channels, cnn_kernels, cnn_strides : tuple of 3 int, \
            default=(16, 32, 32), (3, 3, 3), (1, 1, 1)
        The three convolutional layers (frames only). The thesis's: (128, 256,
        256), (7, 5, 3), (2, 1, 1) on 114x114 frames (see :meth:`thesis_preset`).
    cnn_pool_size : int or None, default=2
        Max-pooling after blocks 1 and 2; None: none.
    cnn_pool_stride : int or None, default=None
        None: ``cnn_pool_size``.
    cnn_lrn : bool, default=False
        Local response normalisation after blocks 1 and 2.
    cnn_fc_size : int, default=128
        Units of the first fully-connected layer (the thesis: 4096).
    cnn_dropout : float, default=0.0
        Dropout on the CNN's fully-connected outputs.
    dropout : float, default=0.0
        Dropout between the recurrent layers and on the summary.
    l2 : float, default=0.0
        ``lambda`` of the L2 penalty ``lambda * sum ||W||^2`` over the weights
        (not the biases), added to the training loss. The thesis validates it
        in {0, 1e-4, 3e-4, 5e-4, 1e-3, 3e-3, 5e-3}.
    standardize : bool, default=True
        Scale the inputs with statistics of the training data (``mean_``,
        ``scale_``): per channel of the features, or per colour channel of the
        frames. Padding stays padding.
    max_epochs : int, default=100
    lr : float, default=1e-3
    batch_size : int, default=16
    optimizer : {"rmsprop", "adam", "adamw", "sgd"} or torch optimizer class, \
            default="rmsprop"
    weight_decay : float, default=0.0
    grad_clip_value : float or None, default=5.0
        Element-wise gradient clipping to ``[-v, v]`` (the thesis: 5).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` and stop when its loss (the mean
        absolute error, in units of ``y_scale_``) has not improved for
        ``n_iter_no_change`` epochs; restores the best weights.
    validation_fraction : float, default=0.15
    n_iter_no_change : int, default=12
    callbacks : list of skorch callbacks or None, default=None
    device : str, torch.device or None, default="cpu"
    verbose : int, default=0
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    input_type_ : {"features", "frames"}
    n_features_in_ : int
        Features per step, or channels per frame.
    frame_shape_ : tuple of (int, int)
        ``(H, W)`` of the frames (frames only).
    mean_, scale_ : ndarray of shape (n_features_in_,)
        Input statistics (only when ``standardize``).
    y_center_, y_scale_ : float
        The model is trained on ``(y - y_center_) / y_scale_`` (the median and
        the mean absolute deviation from it) and predicts back in ``y``'s
        units: the linear regressor of eq. 4.7 reparametrised, so training
        starts at the MAE-optimal constant whatever the scale of ``y``.
    net_ : skorch.NeuralNet
        ``net_.module_`` is the :class:`~sktime_metric.nn.AttendedRegressorModule`.
    history_ : skorch.History

    See Also
    --------
    ABLATION_LADDER : The thesis's ablations as parameter sets.
    sktime_metric.classification.TAGMClassifier : Attention-gated classifier.

    Notes
    -----
    ``score`` is scikit-learn's R^2; the thesis reports the mean absolute
    error, and keeps each person in one fold (see :ref:`regression_selection`).

    References
    ----------
    .. [1] W. Pei, H. Dibeklioglu, T. Baltrusaitis and D. M. J. Tax, "Attended
       end-to-end architecture for age estimation from facial expression
       videos", IEEE Transactions on Image Processing, 2020; chapter 4 of
       W. Pei, "Models for supervised learning in sequence data", PhD thesis,
       TU Delft, 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.regression import AttentionSequenceRegressor
    >>> rng = np.random.RandomState(0)
    >>> y = rng.uniform(0, 10, 30)  # each series' target sets its level
    >>> X = y[:, None, None] / 5 + rng.normal(size=(30, 20, 2))
    >>> X[::2, 12:] = np.nan  # every other series: 12 steps, NaN-padded
    >>> reg = AttentionSequenceRegressor(hidden_size=8, lr=0.01, max_epochs=10,
    ...                                  random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape, reg.predict_attention(X[:3]).shape
    ((3,), (3, 20))
    >>> reg.transform(X[:3]).shape
    (3, 8)

    Videos, with the spatial attention. Learning their target takes more
    videos and epochs than an Example can spend (see
    :ref:`regression_videos`): one epoch on eight videos shows the shapes, and
    the fit says, with a ``ConvergenceWarning``, that it learned nothing:

    >>> import warnings
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> from sktime_metric.datasets import make_expression_videos
    >>> V, ages = make_expression_videos(n_samples=8, random_state=0)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always", ConvergenceWarning)
    ...     reg = AttentionSequenceRegressor(hidden_size=8, max_epochs=1,
    ...                                      random_state=0).fit(V, ages)
    >>> any(issubclass(w.category, ConvergenceWarning) for w in caught)
    True
    >>> V.shape
    (8, 13, 24, 24)
    >>> reg.input_type_, reg.predict_spatial_attention(V[:2]).shape
    ('frames', (2, 13, 4, 4))
    """

    _parameter_constraints: dict = {
        **BaseSequenceNet._parameter_constraints,
        "input_type": [StrOptions({"auto", "features", "frames"})],
        "recurrent": ["boolean"],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "temporal_attention": ["boolean"],
        "temporal_attention_dim": [Interval(Integral, 1, None, closed="left")],
        "spatial_attention": [StrOptions({"indexed", "agnostic", "full", "mediate"}),
                              None],
        "spatial_attention_after": [Interval(Integral, 1, 3, closed="both")],
        "spatial_attention_dim": [Interval(Integral, 1, None, closed="left")],
        "cnn_channels": [tuple, list],
        "cnn_kernels": [tuple, list],
        "cnn_strides": [tuple, list],
        "cnn_pool_size": [Interval(Integral, 1, None, closed="left"), None],
        "cnn_pool_stride": [Interval(Integral, 1, None, closed="left"), None],
        "cnn_lrn": ["boolean"],
        "cnn_fc_size": [Interval(Integral, 1, None, closed="left")],
        "cnn_dropout": [Interval(Real, 0, 1, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "l2": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        hidden_size=32,
        *,
        input_type="auto",
        recurrent=True,
        num_layers=2,
        temporal_attention=True,
        temporal_attention_dim=32,
        spatial_attention="indexed",
        spatial_attention_after=2,
        spatial_attention_dim=16,
        cnn_channels=(16, 32, 32),
        cnn_kernels=(3, 3, 3),
        cnn_strides=(1, 1, 1),
        cnn_pool_size=2,
        cnn_pool_stride=None,
        cnn_lrn=False,
        cnn_fc_size=128,
        cnn_dropout=0.0,
        dropout=0.0,
        l2=0.0,
        standardize=True,
        max_epochs=100,
        lr=1e-3,
        batch_size=16,
        optimizer="rmsprop",
        weight_decay=0.0,
        grad_clip_value=5.0,
        early_stopping=False,
        validation_fraction=0.15,
        n_iter_no_change=12,
        callbacks=None,
        device="cpu",
        verbose=0,
        random_state=None,
    ):
        self.hidden_size = hidden_size
        self.input_type = input_type
        self.recurrent = recurrent
        self.num_layers = num_layers
        self.temporal_attention = temporal_attention
        self.temporal_attention_dim = temporal_attention_dim
        self.spatial_attention = spatial_attention
        self.spatial_attention_after = spatial_attention_after
        self.spatial_attention_dim = spatial_attention_dim
        self.cnn_channels = cnn_channels
        self.cnn_kernels = cnn_kernels
        self.cnn_strides = cnn_strides
        self.cnn_pool_size = cnn_pool_size
        self.cnn_pool_stride = cnn_pool_stride
        self.cnn_lrn = cnn_lrn
        self.cnn_fc_size = cnn_fc_size
        self.cnn_dropout = cnn_dropout
        self.dropout = dropout
        self.l2 = l2
        self.standardize = standardize
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.grad_clip_value = grad_clip_value
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.callbacks = callbacks
        self.device = device
        self.verbose = verbose
        self.random_state = random_state

    @classmethod
    def thesis_preset(cls, **params):
        """The thesis's age estimator: its CNN on 114x114 grey face frames.

        The configuration of the thesis's sections 4.3-4.4, with the sizes it
        does not report reconstructed (layer by layer: see
        :ref:`regression_thesis`). fc1 alone has 67 M weights: train it on a
        GPU (``device="cuda"``).

        Parameters
        ----------
        **params
            Overrides, e.g. ``device="cuda"``, ``max_epochs=50``.

        Returns
        -------
        AttentionSequenceRegressor

        Examples
        --------
        >>> from sktime_metric.regression import AttentionSequenceRegressor
        >>> reg = AttentionSequenceRegressor.thesis_preset(random_state=0)
        >>> reg.cnn_channels, reg.hidden_size
        ((128, 256, 256), 256)
        """
        return cls(**{**THESIS_PARAMS, **params})

    # -- validate ------------------------------------------------------------

    def _validate_input(self, X, *, reset):
        """Checked ``X`` as the module's input dict, its lengths and time width."""
        if not reset:
            input_type = self.input_type_
        elif self.input_type == "auto":
            input_type = "frames" if is_frames(X) else "features"
        else:
            input_type = self.input_type
        if input_type == "features":
            X, lengths = self._validate_X(X, reset=reset)
            checked = self._net_input(X, lengths), lengths, X.shape[1]
        else:
            x, lengths, width = validate_frames(self, X, reset=reset)
            checked = {"x": x, "lengths": lengths}, lengths, width
        if reset:  # set once X is accepted: a refused refit leaves no model
            self.input_type_ = input_type
        return checked

    # -- fit -----------------------------------------------------------------

    def fit(self, X, y):
        """Fit all modules jointly with the mean absolute error.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps, n_features), \
                (n_samples, n_frames, H, W) or (n_samples, n_frames, H, W, C)
            Sequences or videos, NaN-padded at the end, or a list of them.
        y : array-like of shape (n_samples,)
            Real targets. Dates and durations are refused (a ``TypeError``):
            convert them to numbers in the unit meant, e.g.
            ``y / pd.Timedelta("1D")``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        # validate
        self._validate_params()
        reset_fitted_state(self)
        inputs, lengths, _ = self._validate_input(X, reset=True)
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but "
                             "the target y is None.")
        refuse_time_values(y, "y")
        # before the conversion to float, which reads None (and pandas' NA)
        # in an object array as NaN that no later check sees: a NaN loss
        y = column_or_1d(y, warn=True)
        missing = ("every series needs a target. Drop the series without one "
                   "or give them one.")
        _refuse_missing(y, "y", missing)
        # a long double beyond float64 was named "infinite" after the cast
        y = narrow_long_double(y, "y", axes=(), what="targets")
        # before scikit-learn's check, whose "Input y contains infinity" names
        # no position; and after the conversion, which reads an object or
        # string "inf" (that scikit-learn lets through) as inf
        _refuse_infinite(y, "y", "targets must be finite.")
        try:
            # over, invalid: scikit-learn's finiteness check sums y first
            # (inf, or NaN for +-1e308), then checks each value
            with np.errstate(over="ignore", invalid="ignore"):
                y = _check_y(y, y_numeric=True, estimator=self).astype(np.float64)
        except (ValueError, OverflowError) as error:
            # OverflowError: an int beyond float64 (10**400), as for X
            if not isinstance(error, OverflowError) \
                    and "could not convert" not in str(error):
                raise
            raise ValueError(f"y must hold real targets: {error}") from None
        # a string "nan" is NaN only now: scaled_targets recursed on it
        # without end (a RecursionError)
        _refuse_missing(y, "y", missing)
        _refuse_infinite(y, "y", "targets must be finite.")
        check_consistent_length(lengths, y)
        self.y_center_, self.y_scale_, y_scaled = scaled_targets(y)
        y_scaled = y_scaled.astype(np.float32)
        # seed
        seed = derive_seed(self.random_state)
        # build: the mean absolute error (eq. 4.8) plus the module's L2 penalty
        net = self._make_net(
            SequenceNet,
            AttendedRegressorModule,
            dict(
                n_features=self.n_features_in_,
                hidden_size=self.hidden_size,
                **frame_module_params(self),  # image_size, cnn_params: frames only
                recurrent=self.recurrent,
                num_layers=self.num_layers,
                temporal_attention=self.temporal_attention,
                temporal_attention_dim=self.temporal_attention_dim,
                dropout=self.dropout,
                l2=self.l2,
            ),
            criterion=torch.nn.L1Loss,
            batch_size=steps_batch_size(self.batch_size, len(y)),
            train_split=validation_split(self.early_stopping, self.validation_fraction,
                                         stratified=False, seed=seed, y=y),
            callbacks=self._training_callbacks("valid_loss", lower_is_better=True),
        )
        # train
        self.net_ = self._train(net, inputs, y_scaled, seed)
        # attributes: set above (input_type_, frame_shape_, y_center_, y_scale_)
        # did it learn? Its training errors against predicting the median, on
        # the inputs validated above
        prediction = self._in_target_units(self._predict_batches(inputs, lengths)[0])
        warn_if_regressor_not_learned(self, y, prediction, self.y_center_, "training",
                                      error="absolute")
        return self

    # -- outputs -------------------------------------------------------------

    def _outputs(self, X, forward=None):
        """The module's outputs on ``X`` (``forward``'s, see
        :meth:`_predict_batches`), and the lengths and time width of ``X``."""
        check_is_fitted(self, "net_")
        inputs, lengths, width = self._validate_input(X, reset=False)
        return self._predict_batches(inputs, lengths, forward), lengths, width

    def predict(self, X):
        """Predicted targets.

        Parameters
        ----------
        X : array-like, as in :meth:`fit`

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        (y, *_), _, _ = self._outputs(X)
        return self._in_target_units(y)

    def _in_target_units(self, y_scaled):
        """The module's outputs (scaled targets) in the units of ``y``."""
        return y_scaled.double().numpy() * self.y_scale_ + self.y_center_

    def transform(self, X):
        """The attended summary ``s`` of each sequence (eq. 4.6): an embedding.

        Parameters
        ----------
        X : array-like, as in :meth:`fit`

        Returns
        -------
        s : ndarray of shape (n_samples, hidden_size)
        """
        (_, s, *_), _, _ = self._outputs(X)
        return s.double().numpy()

    @property
    def _n_features_out(self):
        """Columns of :meth:`transform` (for ``get_feature_names_out``)."""
        return self.net_.module_.regressor.in_features

    def predict_attention(self, X):
        """Temporal attention ``o_t`` (eq. 4.5): each step's weight in the summary.

        Parameters
        ----------
        X : array-like, as in :meth:`fit`

        Returns
        -------
        attention : ndarray of shape (n_samples, n_timestamps)
            Non-negative, summing to 1 over each sequence's own steps; NaN on
            its padding. Without temporal attention, ``1 / length``.
        """
        (_, _, o, *_), lengths, width = self._outputs(X)
        return nan_padded(o, lengths, width)

    def predict_spatial_attention(self, X):
        """Spatial attention ``A`` (eq. 4.1) of every frame (frames only).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, H, W[, C]) or list

        Returns
        -------
        attention : ndarray of shape (n_samples, n_frames, M, N)
            Values in (0, 1) over the attended feature map (``M x N`` cells,
            each seeing a patch of the frame around its position); NaN on
            padding frames.
        """
        check_is_fitted(self, "net_")
        cnn = self.net_.module_.appearance
        if cnn is None or cnn.attention is None:
            raise ValueError(
                f"This {type(self).__name__} has no spatial attention: it was fitted "
                f"on {self.input_type_}"
                + ("" if cnn is None else " with spatial_attention=None")
                + ". Spatial attention needs frames and a spatial_attention mechanism."
            )
        # the spatial attention alone: computed before the recurrence, it
        # stays finite where the ReLU state, and so the target, overflows
        (a,), lengths, width = self._outputs(
            X, lambda module, **batch: (module(**batch)[3],))
        return nan_padded(a, lengths, width)
