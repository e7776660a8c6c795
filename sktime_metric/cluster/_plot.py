"""Plots of routine discovery (matplotlib is optional: ``pip install matplotlib``)."""

import numpy as np


def _axes(ax):
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Plotting needs matplotlib, which is not installed: pip install matplotlib"
        ) from exc
    return plt.subplots()[1] if ax is None else ax


def _indices(values, name):
    """A 1-D array of non-negative integers (a window's day, slot or cluster),
    or a ``ValueError`` naming the first entry that is not one: cast to int,
    a -1 indexed the last row of the grid, and 0.5 became 0, silently."""
    values = np.asarray(values)
    if values.ndim != 1 or not len(values):
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape "
                         f"{values.shape}.")
    if values.dtype.kind in "iub":
        bad = values < 0
    elif values.dtype.kind == "f":
        bad = ~np.isfinite(values) | (values < 0) | (values != np.floor(values))
    else:
        bad = np.ones(len(values), dtype=bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} must be integers from 0 (one per window), got "
                         f"{values[i].item()!r} at position {i}.")
    return values.astype(np.int64)


def plot_routine_timeline(labels, days, slots, *, n_slots=None, ax=None, cmap="viridis"):
    """Days x time of day, each cell coloured by its window's cluster (thesis Fig. 3.7).

    Routines show as vertical bands repeated across days; empty cells are white.

    Needs matplotlib, which is optional: ``pip install matplotlib``.

    Parameters
    ----------
    labels, days, slots : array-like of shape (n_windows,)
        E.g. ``labels_``, ``day_index_``, ``slot_index_`` of a fitted
        :class:`RoutineClusterer`.
    n_slots : int, default=None
        Columns; None: ``max(slots) + 1``.
    ax : matplotlib Axes, default=None
    cmap : str or matplotlib Colormap, default="viridis"
        Resampled to one colour per cluster.

    Returns
    -------
    ax : matplotlib Axes
    grid : ndarray of shape (n_days, n_slots), -1 where no window

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # off-screen, as in a script or a test
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from sktime_metric.cluster import plot_routine_timeline
    >>> days = np.repeat([0, 1, 2], 4)  # 3 days of 4 slots, the last one missing
    >>> slots = np.tile([0, 1, 2, 3], 3)
    >>> labels = np.tile([0, 0, 1, 2], 3)
    >>> ax, grid = plot_routine_timeline(labels[:-1], days[:-1], slots[:-1])
    >>> grid
    array([[ 0,  0,  1,  2],
           [ 0,  0,  1,  2],
           [ 0,  0,  1, -1]])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('time slot of the day', 'day')
    >>> plt.close(ax.figure)
    """
    labels, days, slots = (_indices(a, name) for a, name in
                           ((labels, "labels"), (days, "days"), (slots, "slots")))
    if not len(labels) == len(days) == len(slots):
        raise ValueError(
            "labels, days and slots need one entry per window each; got "
            f"{len(labels)}, {len(days)} and {len(slots)}.")
    n_slots = int(slots.max()) + 1 if n_slots is None else int(n_slots)
    if slots.max() >= n_slots:
        raise ValueError(
            f"slots go up to {slots.max()} (window {int(np.argmax(slots))}), "
            f"beyond n_slots={n_slots} columns.")
    ax = _axes(ax)
    grid = np.full((int(days.max()) + 1, n_slots), -1)
    grid[days, slots] = labels
    # clusters are categories: one colour per label, a tick per colour
    from matplotlib import colormaps

    n_labels = int(labels.max()) + 1
    cmap = colormaps[cmap] if isinstance(cmap, str) else cmap
    image = ax.imshow(np.ma.masked_less(grid, 0), aspect="auto",
                      cmap=cmap.resampled(n_labels),
                      vmin=-0.5, vmax=n_labels - 0.5, interpolation="nearest")
    ax.set_xlabel("time slot of the day")
    ax.set_ylabel("day")
    ax.figure.colorbar(image, ax=ax, label="cluster", ticks=range(n_labels))
    return ax, grid


def plot_affinity_matrix(affinity, labels=None, *, ax=None, cmap="magma"):
    """The affinity matrix, rows and columns grouped by cluster when ``labels`` is given.

    A sparse affinity (``RoutineClusterer(affinity_graph="knn")``) is drawn as
    its stored entries, one point each, never densified.

    Needs matplotlib, which is optional: ``pip install matplotlib``.

    Parameters
    ----------
    affinity : ndarray or sparse matrix of shape (n_windows, n_windows)
        E.g. a fitted :class:`RoutineClusterer`'s ``affinity_matrix_``.
    labels : array-like of shape (n_windows,), default=None
        Cluster of each window (``labels_``); None keeps the windows' order.
    ax : matplotlib Axes, default=None
        None: a new figure's.
    cmap : str, default="magma"
        The matplotlib colour map.

    Returns
    -------
    ax : matplotlib Axes

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")  # off-screen, as in a script or a test
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from sktime_metric.cluster import plot_affinity_matrix
    >>> affinity = np.array([[1.0, 0.1, 0.9],
    ...                      [0.1, 1.0, 0.2],
    ...                      [0.9, 0.2, 1.0]])
    >>> ax = plot_affinity_matrix(affinity, labels=[0, 1, 0])
    >>> np.asarray(ax.images[0].get_array())  # windows 0 and 2 (cluster 0) first
    array([[1. , 0.9, 0.1],
           [0.9, 1. , 0.2],
           [0.1, 0.2, 1. ]])
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('window', 'window')
    >>> plt.close(ax.figure)
    """
    import scipy.sparse as sp

    sparse = sp.issparse(affinity)
    A = sp.csr_matrix(affinity, dtype=float) if sparse else np.asarray(affinity, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"affinity must be a square matrix, got shape {A.shape}.")
    if labels is not None and np.shape(labels) != (A.shape[0],):
        # argsort of fewer labels cut the matrix down to them, silently
        raise ValueError(
            f"labels must hold one cluster per window ({A.shape[0]}), got shape "
            f"{np.shape(labels)}.")
    ax = _axes(ax)
    if labels is not None:
        order = np.argsort(np.asarray(labels), kind="stable")
        A = A[order][:, order] if sparse else A[np.ix_(order, order)]
    if sparse:
        coo = A.tocoo()
        image = ax.scatter(coo.col, coo.row, c=coo.data, cmap=cmap, s=1, marker="s",
                           linewidths=0)
        ax.set_xlim(-0.5, A.shape[1] - 0.5)
        ax.set_ylim(A.shape[0] - 0.5, -0.5)  # row 0 on top, as imshow
    else:
        image = ax.imshow(A, cmap=cmap, interpolation="nearest")
    ax.set_xlabel("window")
    ax.set_ylabel("window")
    ax.figure.colorbar(image, ax=ax, label="affinity")
    return ax
