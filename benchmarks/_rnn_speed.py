"""``SiameseRNNEmbedder.transform`` against bare fused ``nn.RNN`` forwards.

Used by ``bench_siamese.py`` part 3. ``transform`` runs the module on
length-sorted 256-row batches, so it computes less padding than one forward
over the whole padded batch: ``bare_sorted`` (bare forwards over the same
length-sorted 256-row batches, each cut to its longest series) is the
like-for-like reference, ``bare`` (one forward over the padded batch) the
issue's, and ``module`` (the module's forward over the one padded batch) shows
the module's per-call overhead.
"""

import numpy as np
import torch

from sktime_metric.utils import padded_float32, sequence_lengths

from ._common import interleaved_ms

#: Rows per batch of ``transform``'s prediction path.
BATCH = 256


def transform_speed(embedder, X, repeats):
    """Median milliseconds and ratios of ``transform`` and the bare forwards.

    One thread (the target is defined for one; the caller's setting is
    restored); interleaved repetitions, see :func:`_common.interleaved_ms`.

    Returns
    -------
    row : dict
        ``batch``, ``bare_ms``, ``bare_sorted_ms``, ``module_ms``,
        ``transform_ms``, and the medians of the per-repetition ratios
        ``module_ratio`` and ``transform_ratio`` (over ``bare``) and
        ``sorted_ratio`` (``transform`` over ``bare_sorted``).
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        lengths = sequence_lengths(X)
        x = torch.from_numpy(padded_float32(X, lengths))
        n = torch.from_numpy(lengths)
        order = np.argsort(lengths, kind="stable")
        xs, ns = x[order], n[order]
        rnn = torch.nn.RNN(x.shape[2], embedder.hidden_size, nonlinearity="relu",
                           batch_first=True)
        module = embedder.net_.module_.eval()

        def bare():
            with torch.no_grad():
                rnn(x)

        def bare_sorted():
            with torch.no_grad():
                for s in range(0, len(ns), BATCH):
                    rnn(xs[s:s + BATCH, :int(ns[s:s + BATCH].max())])

        def forward():
            with torch.no_grad():
                module(x, n)

        def transform():
            embedder.transform(X)

        ms, times = interleaved_ms([bare, bare_sorted, forward, transform], repeats)
    finally:
        torch.set_num_threads(threads)
    ratios = np.median(times[:, 2:] / times[:, :1], axis=0)
    return {"batch": "x".join(map(str, x.shape)), "bare_ms": ms[0],
            "bare_sorted_ms": ms[1], "module_ms": ms[2], "transform_ms": ms[3],
            "module_ratio": ratios[0], "transform_ratio": ratios[1],
            "sorted_ratio": np.median(times[:, 3] / times[:, 1])}
