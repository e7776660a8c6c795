"""The few-shot protocol of the SSMN chapter (the activity thesis, section 2.3).

Classes, not series, are split: a learner is trained on the *base* classes
only; then, in each episode, ``k_shot`` labelled series of every *novel*
class form the support set and all the other novel series are classified
against it. Predictions are concatenated over all class splits and episodes
and scored once (accuracy and macro-F1), as in the thesis.
"""

from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score
from sklearn.utils import check_random_state

from ..utils._sklearn_compat import Interval, StrOptions, validate_params
from ._measure import _check_measure, _Measure
from ._protocols import _class_labels, _labels

__all__ = ["class_split", "few_shot_evaluate", "few_shot_episodes"]

_POSITIVE = [Interval(Integral, 1, None, closed="left")]
# the parameters of the episodes, checked alike by both functions that take them
_EPISODE_CONSTRAINTS = {
    "n_test_classes": _POSITIVE,
    "k_shot": _POSITIVE,
    "n_splits": _POSITIVE,
    "n_episodes": _POSITIVE,
    "setting": [StrOptions({"partial", "full"})],
    "random_state": ["random_state"],
}


@validate_params(
    {"n_test_classes": _POSITIVE, "random_state": ["random_state"]},
    prefer_skip_nested_validation=True,
)
def class_split(y, n_test_classes, random_state=None):
    """Random split of the series by class: base versus novel classes.

    Equivalent to ``GroupShuffleSplit(test_size=n_test_classes)`` with
    ``groups=y``.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
    n_test_classes : int
        Number of novel classes, drawn at random; at least 1, and fewer than
        the classes of ``y``.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    train_index, test_index : ndarray of int
        Rows of the base classes, rows of the novel classes.

    Examples
    --------
    >>> from sktime_metric.evaluation import class_split
    >>> train, test = class_split([0, 0, 1, 1, 2, 2], 1, random_state=0)
    >>> train.shape, test.shape
    ((4,), (2,))
    """
    return _class_split(_class_labels(y, "class_split"), n_test_classes,
                        random_state)


def _class_split(y, n_test_classes, random_state):
    """:func:`class_split` of checked labels (once for all the splits of
    :func:`few_shot_episodes`)."""
    classes = np.unique(y)
    n = n_test_classes
    if not isinstance(n, Integral) or not 0 < n < len(classes):
        raise ValueError(f"n_test_classes={n_test_classes!r} must leave base and novel "
                         f"classes among the {len(classes)} classes.")
    rng = check_random_state(random_state)
    # int(): True is an int to the checks (as to the estimators'), not to numpy
    novel = rng.choice(classes, int(n_test_classes), replace=False)
    is_novel = np.isin(y, novel)
    return np.flatnonzero(~is_novel), np.flatnonzero(is_novel)


@validate_params(_EPISODE_CONSTRAINTS, prefer_skip_nested_validation=True)
def few_shot_episodes(y, *, n_test_classes=3, k_shot=1, n_splits=10, n_episodes=1,
                      setting="partial", random_state=0):
    """The class splits and episodes of :func:`few_shot_evaluate`, as indices.

    Depends on the labels and the seed only, so that different learners can
    be compared on exactly the same episodes.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
    n_test_classes : int, default=3
    k_shot : int, default=1
    n_splits : int, default=10
    n_episodes : int, default=1
    setting : {"partial", "full"}, default="partial"
    random_state : int, RandomState instance or None, default=0
        As in :func:`few_shot_evaluate`.

    Returns
    -------
    splits : list of (train_index, episodes)
        ``episodes`` is a list of ``(support_index, query_index)``; support
        indices are grouped by class, in sorted class order.

    Examples
    --------
    >>> import numpy as np
    >>> from sktime_metric.evaluation import few_shot_episodes
    >>> y = np.repeat([0, 1, 2, 3], 3)  # 4 classes of 3 series
    >>> splits = few_shot_episodes(y, n_test_classes=2, n_splits=2, random_state=0)
    >>> len(splits)
    2
    >>> train, [(support, query)] = splits[0]  # n_episodes=1
    >>> y[train].tolist()  # the base classes, to fit on
    [0, 0, 0, 1, 1, 1]
    >>> y[support].tolist(), y[query].tolist()  # 2-way 1-shot on the novel ones
    ([2, 3], [2, 2, 3, 3])
    """
    y = _class_labels(y, "few_shot_episodes")
    rng = check_random_state(random_state)
    splits = []
    for _ in range(n_splits):
        train, test = _class_split(y, n_test_classes, rng)
        episodes = []
        for _ in range(n_episodes):
            support, query = [], []
            for c in np.unique(y[test]):
                members = rng.permutation(test[y[test] == c])
                if len(members) <= k_shot:
                    # the label as given, not numpy's np.int64(0)
                    label = c.item() if isinstance(c, np.generic) else c
                    raise ValueError(f"Class {label!r} has {len(members)} series: "
                                     f"k_shot={k_shot} leaves none to query.")
                support.append(members[:k_shot])
                query.append(members[k_shot:])
            if setting == "full":  # base classes are candidates too
                support += [rng.permutation(train[y[train] == c])[:k_shot]
                            for c in np.unique(y[train])]
            episodes.append((np.concatenate(support), np.sort(np.concatenate(query))))
        splits.append((train, episodes))
    return splits


def _classify(model, X, support, query, y):
    """Labels of ``X[query]`` given the support set ``support``."""
    if hasattr(model, "set_support"):  # a matching network: its own posterior
        return model.predict(X[query], X_support=X[support], y_support=y[support])
    distances = _Measure(model, "estimator").pairwise(X[query], X[support])
    return y[support][distances.argmin(axis=1)]  # 1-NN among the support set


# prefer_skip_nested_validation=False: the estimator's own parameter checks
# must still run when its clones are fitted
@validate_params(
    {**_EPISODE_CONSTRAINTS, "refit": ["boolean"], "return_predictions": ["boolean"]},
    prefer_skip_nested_validation=False,
)
def few_shot_evaluate(estimator, X, y, *, n_test_classes=3, k_shot=1, n_splits=10,
                      n_episodes=1, setting="partial", refit=True, random_state=0,
                      return_predictions=False):
    """N-way K-shot accuracy and macro-F1 on classes unseen in training.

    For each of ``n_splits`` random class splits, ``estimator`` (a clone) is
    fitted on the base classes; in each of ``n_episodes`` episodes, ``k_shot``
    random series per novel class are the support set and every other novel
    series is classified: by the estimator's own posterior for a matching
    network (anything with ``set_support``), else by its nearest support
    series under the measure (a metric learner, an embedding transformer,
    ``"dtw"`` or a callable, as ``metric`` of
    :func:`~sktime_metric.evaluation.pair_auc`). The thesis ran 40 splits of
    1 episode.

    Parameters
    ----------
    estimator : estimator, "dtw" or callable
        An unfitted (or, with ``refit=False``, fitted) metric learner,
        matching network or transformer (a ``Pipeline`` too) whose
        ``transform`` embeds each series in one row, or a fixed measure.
        Its kind is checked before any clone is fitted: a ``Pipeline``
        holding a ``CoupledGRUMetric`` or ``RVSMLMetric`` (whose
        ``transform`` is the distances to its training series) other than
        as its last step is refused.
    X : array-like of shape (n_samples, n_timestamps, n_channels) or list
    y : array-like of shape (n_samples,)
    n_test_classes : int, default=3
        Novel classes per split: the N of N-way in the "partial" setting; at
        least 2 there (a 1-way problem is always right, and a support set of
        one class is refused).
    k_shot : int, default=1
    n_splits : int, default=10
    n_episodes : int, default=1
        Support sets drawn per split.
    setting : {"partial", "full"}, default="partial"
        "full" adds ``k_shot`` support series of every base class, so queries
        are classified among all classes.
    refit : bool, default=True
        Fit a clone on each split's base classes; False: use ``estimator``
        as it is (it must not have seen the novel classes).
    random_state : int, RandomState instance or None, default=0
        Seeds the splits and episodes (not the estimator).
    return_predictions : bool, default=False
        Also return ``y_true`` and ``y_pred``, concatenated.

    Returns
    -------
    scores : dict
        ``"accuracy"``, ``"f1_macro"`` and ``"n_predictions"`` (plus
        ``"y_true"``, ``"y_pred"`` if asked). ``"f1_macro"`` is the mean F1
        of the classes among the true query labels, over all the splits: the
        thesis scores its concatenated predictions "over all classes because
        the test classes differ between iterations" (section 2.3.3.1, Table
        2.8), and with its 40 random splits every class is a query class
        somewhere. A class that is never a query (with ``setting="full"``
        and few splits, a base class predicted by mistake) is not counted as
        an F1 of 0; predicting it still counts as a miss of the true class.

    Examples
    --------
    >>> from sktime_metric.datasets import make_sequence_classification
    >>> from sktime_metric.evaluation import few_shot_evaluate
    >>> X, y = make_sequence_classification(n_samples=40, n_classes=4, random_state=0)
    >>> scores = few_shot_evaluate("dtw", X, y, n_test_classes=2, n_splits=2)
    >>> sorted(scores), scores["n_predictions"]
    (['accuracy', 'f1_macro', 'n_predictions'], 36)
    """
    X, y = _labels(X, y, "few_shot_evaluate")
    if setting == "partial" and isinstance(n_test_classes, Integral) \
            and n_test_classes < 2:
        raise ValueError(
            f"n_test_classes={n_test_classes} makes a 1-way problem, which every "
            "model gets right; use at least 2 novel classes (or setting='full')."
        )
    is_measure = isinstance(estimator, str) or (
        callable(estimator) and not hasattr(estimator, "fit"))
    splits = few_shot_episodes(
        y, n_test_classes=n_test_classes, k_shot=k_shot, n_splits=n_splits,
        n_episodes=n_episodes, setting=setting, random_state=random_state,
    )
    refitted = refit and not is_measure
    if not hasattr(estimator, "set_support"):
        # what _classify will measure with, checked before any fit: a learner
        # of no usable kind would otherwise be found out only after its first
        # clone's training. A clone's kind is its estimator's (type and
        # methods); it is fitted below, so only a fixed model must be fitted
        _check_measure(estimator, fitted=not refitted, name="estimator")
    y_true, y_pred = [], []
    for train, episodes in splits:
        model = estimator
        if refitted:
            model = clone(estimator).fit(X[train], y[train])
        for support, query in episodes:
            y_true.append(y[query])
            y_pred.append(_classify(model, X, support, query, y))
    y_true, y_pred = np.concatenate(y_true), np.concatenate(y_pred)
    # scored on class codes: both scores only compare labels, and scikit-learn
    # refuses labels it cannot type (integers in an object array: "unknown",
    # float labels such as 0.5: "continuous"), which the checks above accept
    _, codes = np.unique(np.concatenate([y_true, y_pred]), return_inverse=True)
    true_codes, pred_codes = codes[:len(y_true)], codes[len(y_true):]
    # macro-F1 over the classes that are true somewhere (thesis §2.3.3.1, Table
    # 2.8: "over all classes because the test classes differ between
    # iterations"): with setting="full" a base class that is never a query
    # would otherwise count as F1 = 0 and drag the mean down; predicting it
    # still costs the true class its recall
    scores = {
        "accuracy": float(accuracy_score(true_codes, pred_codes)),
        "f1_macro": float(f1_score(true_codes, pred_codes,
                                   labels=np.unique(true_codes), average="macro")),
        "n_predictions": len(y_true),
    }
    if return_predictions:
        scores.update(y_true=y_true, y_pred=y_pred)
    return scores
