"""The evaluation protocols of sequence similarity learning.

From the siamese RNN paper (Pei, Tax and van der Maaten 2016, Sec. 4.3):

- **pair AUC**: the ROC AUC of a similarity measure at telling same-class pairs
  of test series from different-class pairs. *Within domain* the test series
  come from the training classes; *out of domain* from classes disjoint from
  them (:func:`class_disjoint_split`).
- **one-shot 1-NN accuracy**: on classes never trained on, classify every
  series by its nearest among one reference series per class; average over
  rounds with different references ("leave-one-per-class-out").

Every function takes its measure as ``_measure.py`` says: a fitted metric
learner, a fitted transformer embedding each series (a ``Pipeline`` of
preprocessing and an embedder), ``"dtw"`` or a callable ``metric(u, v)``.
"""

from numbers import Integral

import numpy as np
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score
from sklearn.utils import check_random_state

from ..utils._labels import _is_missing, check_class_labels
from ..utils._sklearn_compat import Interval, validate_params
from ..utils.validation import check_sequences
from ._measure import _Measure

__all__ = ["class_disjoint_split", "one_shot_accuracy", "pair_auc"]


def _labels(X, y, caller):
    """Checked series and their class labels (one class is enough here: the
    protocols say themselves what they need beyond it)."""
    X, _ = check_sequences(X)
    return X, check_class_labels(y, len(X), estimator=caller, min_classes=1,
                                 classification=False)


def _class_labels(labels, caller, name="y", *, n_samples=None, of="X"):
    """The estimators' label check of the labels an evaluation helper takes
    without their series: no missing value, no string mixed with other
    labels, 1-D (and ``n_samples`` of them, as many as ``of`` has, unless
    None). Labels are only compared here, so any number may be one, and the
    helpers say themselves how many classes they need (none: the clustering
    scores of nothing are defined)."""
    return check_class_labels(labels, n_samples, estimator=caller, min_classes=0,
                              classification=False, names=(of, name))


def class_disjoint_split(y, train_classes):
    """Split series by class: training classes versus the others (out of domain).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    train_classes : int or array-like
        The training classes, or their number: the first ``train_classes`` of
        the sorted labels (the paper's "classes 1-7 / 8-10"). String labels
        sort as text (``"10"`` before ``"2"``): list the classes when that
        order is not the one meant. Listed classes must be labels of ``y``,
        each once, and leave at least one class of ``y`` out.

    Returns
    -------
    train_index : ndarray of int
        Rows whose class is a training class.
    test_index : ndarray of int
        The other rows.

    Examples
    --------
    >>> from sktime_metric.evaluation import class_disjoint_split
    >>> class_disjoint_split(["b", "a", "c", "a"], 2)
    (array([0, 1, 3]), array([2]))
    """
    y = _class_labels(y, "class_disjoint_split")
    classes = np.unique(y)
    if isinstance(train_classes, Integral):
        if not 0 < train_classes < len(classes):
            raise ValueError(
                f"train_classes={train_classes} must leave training and test "
                f"classes among the {len(classes)} classes."
            )
        train_classes = classes[:train_classes]
    else:
        train_classes = _listed_classes(train_classes, classes)
    is_train = np.isin(y, train_classes)
    return np.flatnonzero(is_train), np.flatnonzero(~is_train)


def _listed_classes(train_classes, classes):
    """``train_classes`` of :func:`class_disjoint_split`, checked: classes of
    ``y`` (``classes``, sorted), each once, leaving both sides a class.

    Unchecked, a class not among the labels (a typo, ``"1"`` for ``1``)
    silently trained on fewer classes, and a list of every class (or of
    none) left a side empty, found only by the caller's estimator. A list
    is compared one entry at a time, so that a string among numbers is
    named as such (numpy would make text of them all)."""
    if isinstance(train_classes, (set, frozenset)):  # membership: no order
        train_classes = list(train_classes)
    listed = np.asarray(train_classes, dtype=object).ravel()
    # a missing value is no class (y has none), and pandas' NA compares to NA
    matches = [np.flatnonzero(classes == value) if not _is_missing(value)
               else np.empty(0, dtype=int) for value in listed]
    absent = [value.item() if isinstance(value, np.generic) else value
              for value, match in zip(listed, matches) if not match.size]
    if absent:
        raise ValueError(
            f"train_classes lists {absent!r}, not among the {len(classes)} "
            "classes of y: list labels of y (with their type), or give the "
            "number of training classes."
        )
    codes, counts = np.unique([match[0] for match in matches], return_counts=True)
    if (counts > 1).any():
        raise ValueError(
            f"train_classes lists {classes[codes[counts > 1]].tolist()!r} more "
            "than once: list each training class once."
        )
    if len(codes) in (0, len(classes)):
        side = "training" if len(codes) == 0 else "test"
        raise ValueError(
            f"train_classes lists {len(codes)} of the {len(classes)} classes of "
            f"y, which leaves no {side} class: list at least one class and "
            "leave at least one out."
        )
    return classes[codes]


def labelled_pairs(y, *, max_pairs=60_000, random_state=0):
    """All unordered pairs of distinct rows, labelled 1 when their labels agree.

    Above ``max_pairs`` pairs, a uniform random subset of ``max_pairs`` of them
    (the siamese RNN authors' cap), in row order: the pairs a pair ROC AUC is
    computed on (:func:`pair_auc`, ``KISSMETransformer.score``).

    Returns
    -------
    pairs : ndarray of shape (n_pairs, 2)
    labels : ndarray of shape (n_pairs,), int64
    """
    first, second = np.triu_indices(len(y), k=1)
    if len(first) > max_pairs:
        rng = check_random_state(random_state)
        keep = np.sort(rng.choice(len(first), size=max_pairs, replace=False))
        first, second = first[keep], second[keep]
    return np.column_stack([first, second]), (y[first] == y[second]).astype(np.int64)


# prefer_skip_nested_validation=False: the metric may be a learner of this
# package, whose own checks must still run (scikit-learn's rule for functions
# that take objects they do not validate)
@validate_params(
    {
        "max_pairs": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=False,
)
def pair_auc(
    metric,
    X,
    y=None,
    *,
    pairs=None,
    pair_labels=None,
    max_pairs=60_000,
    random_state=0,
):
    """ROC AUC of a similarity measure on pairs of series.

    By default all unordered pairs of distinct series of ``X`` are scored, a
    pair being similar when its two labels are equal; above ``max_pairs`` pairs,
    a uniform random subset of ``max_pairs`` of them (the authors' cap). Explicit
    ``pairs`` with ``pair_labels`` replace the pairs drawn from ``y`` (e.g.
    genuine versus forged signatures). The score of a pair is minus its
    distance.

    Parameters
    ----------
    metric : fitted metric learner, fitted transformer, "dtw" or callable
        A learner of this package (``pairwise_distances`` or ``pair_score``);
        a transformer (or ``Pipeline``) whose ``transform`` embeds each series
        in one row, measured by the Euclidean distance between rows, or by the
        learner's own distance when a ``Pipeline`` ends in one (elsewhere in
        it, ``CoupledGRUMetric`` and ``RVSMLMetric``, whose ``transform`` is
        the distances to their training series, are refused); DTW; or
        ``metric(u, v)`` on two unpadded series. See the module docstring.
    X : array-like of shape (n_samples, n_timestamps, n_channels) or list
        NaN-padded series.
    y : array-like of shape (n_samples,) or None, default=None
        Class labels; needed unless ``pairs`` is given.
    pairs : array-like of shape (n_pairs, 2) or None, default=None
        Row indices into ``X``. A series paired with itself may be similar but
        is refused as dissimilar: every distance puts it first, against every
        measure alike (see :func:`~sktime_metric.metric.check_pairs`).
    pair_labels : array-like of shape (n_pairs,) or None, default=None
        1 for similar, 0 for dissimilar pairs.
    max_pairs : int, default=60_000
        At least 2: an AUC needs a similar and a dissimilar pair.
    random_state : int, RandomState instance or None, default=0
        Seeds the subset of pairs.

    Returns
    -------
    auc : float

    Examples
    --------
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.evaluation import pair_auc
    >>> X, y = make_sequence_classification(n_samples=20, random_state=0)
    >>> round(pair_auc("dtw", X, y), 2) > 0.5
    True
    """
    from ..metric._sampling import check_pair_kinds, check_pairs

    measure = _Measure(metric)
    X_checked, _ = check_sequences(X)
    n = len(X_checked)
    drawn = pairs is None
    if drawn and pair_labels is not None:
        # else ignored: the AUC of the pairs of y, not of the pairs meant
        raise ValueError("pair_auc got pair_labels without pairs: give the pairs "
                         "they label, or neither (the pairs of y).")
    if drawn:
        if y is None:
            raise ValueError("pair_auc needs labels y, or pairs and pair_labels.")
        X_checked, y = _labels(X_checked, y, "pair_auc")
        pairs, labels = labelled_pairs(y, max_pairs=max_pairs, random_state=random_state)
    else:
        pairs, labels = check_pairs(pairs, pair_labels, n)
    # before any distance: the AUC needs both kinds of pair (and of a single
    # series the embedding of no pair would fail in scikit-learn, with a
    # shape that is not the caller's)
    why = ""
    if drawn:
        counts = np.unique(y, return_counts=True)[1]
        # a subset of pairs of one kind, where all the pairs are of both: the
        # classes are not what to change
        why = ("Draw more pairs (max_pairs) or draw them again (random_state)."
               if len(counts) > 1 and counts.max() > 1 else
               "Give series of at least two classes, one of them with two series.")
    check_pair_kinds(labels, "pair_auc", why)
    if drawn and measure.is_dtw and n * (n - 1) // 2 <= max_pairs:
        # every pair is scored: one symmetric DTW matrix is a little
        # cheaper than a loop over the pairs (measured, one thread: 1.0-1.5x
        # the matrix's cost per pair; the same distances to the bit). Not
        # when pairs are drawn: the matrix would compute all n(n-1)/2
        # (at 3.3x max_pairs, 0.41 s against the loop's 0.18 s)
        distances = measure.pairwise(X_checked, X_checked)
        return _auc(labels, distances[pairs[:, 0], pairs[:, 1]])
    return _auc(labels, measure.paired(X_checked, pairs))


def _auc(labels, distances):
    """ROC AUC of the scores ``-distances``; an infinite distance (a pair the
    measure puts infinitely far) is the lowest score.

    scikit-learn refuses infinite scores, but an AUC depends only on their
    order: their ranks (ties sharing one) give the same curve. Finite
    distances are scored as they are."""
    scores = -np.asarray(distances, dtype=np.float64)
    if not np.isfinite(scores).all():
        scores = rankdata(scores)
    return float(roc_auc_score(labels, scores))


@validate_params(
    {
        "n_rounds": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=False,
)
def one_shot_accuracy(metric, X, y, *, n_rounds=None, random_state=0):
    """One-shot 1-NN accuracy with one reference series per class.

    The paper's protocol (Sec. 4.3.3) on series of classes the measure was not
    trained on: in each round, one series per class is the reference set; every
    other series is given the class of its nearest reference; the round's
    accuracy is the fraction right. In round ``r`` the reference of class ``c``
    is the ``r``-th series of a random permutation of that class (cycled), so
    with the default ``n_rounds`` every series of the smallest class is a
    reference once. Distances are computed once for all rounds.

    Parameters
    ----------
    metric : fitted metric learner, fitted transformer, "dtw" or callable
        A learner of this package (``pairwise_distances`` or ``pair_score``);
        a transformer (or ``Pipeline``) whose ``transform`` embeds each series
        in one row, measured by the Euclidean distance between rows, or by the
        learner's own distance when a ``Pipeline`` ends in one (elsewhere in
        it, ``CoupledGRUMetric`` and ``RVSMLMetric``, whose ``transform`` is
        the distances to their training series, are refused); DTW; or
        ``metric(u, v)`` on two unpadded series. See the module docstring.
    X : array-like of shape (n_samples, n_timestamps, n_channels) or list
    y : array-like of shape (n_samples,)
        Labels; at least two classes, one of them of two series or more.
    n_rounds : int or None, default=None
        At least 1; None means the size of the smallest class.
    random_state : int, RandomState instance or None, default=0
        Seeds the permutations.

    Returns
    -------
    accuracies : ndarray of shape (n_rounds,)
        Per-round accuracy; report ``accuracies.mean()`` (and ``.std()``).

    Examples
    --------
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.evaluation import one_shot_accuracy
    >>> X, y = make_sequence_classification(n_samples=20, random_state=0)
    >>> one_shot_accuracy("dtw", X, y).shape
    (6,)
    """
    measure = _Measure(metric)
    X_checked, y = _labels(X, y, "one_shot_accuracy")
    classes, codes = np.unique(y, return_inverse=True)
    members = [np.flatnonzero(codes == c) for c in range(len(classes))]
    if len(classes) < 2:
        raise ValueError("one_shot_accuracy needs at least 2 classes; got 1.")
    if len(classes) == len(y):
        # each round's references would be every series: no query, and a
        # mean of nothing (NaN, numpy's RuntimeWarning) for an accuracy
        raise ValueError(
            f"one_shot_accuracy needs a class of at least 2 series; each of the "
            f"{len(classes)} classes of y has one, the reference of its class, "
            "which leaves no series to classify."
        )
    n_rounds = min(len(m) for m in members) if n_rounds is None else int(n_rounds)
    rng = check_random_state(random_state)
    permutations = [rng.permutation(m) for m in members]
    distances = measure.pairwise(X_checked, X_checked)
    accuracies = np.empty(n_rounds)
    for r in range(n_rounds):
        references = np.array([p[r % len(p)] for p in permutations])
        queries = np.setdiff1d(np.arange(len(y)), references)
        nearest = distances[np.ix_(queries, references)].argmin(axis=1)
        accuracies[r] = np.mean(nearest == codes[queries])
    return accuracies
