"""
=============================================
Daily routines of a wearable recording
=============================================

:class:`~sktime_metric.cluster.RoutineClusterer` finds routines in a long,
unlabelled, timestamped recording. It cuts the recording into one-hour windows,
learns a sequence metric under the *time-of-day* constraint (windows at the same
hour of different days are similar, all other pairs dissimilar), and groups the
windows by spectral clustering. No activity label is used.

The recording comes from :func:`~sktime_metric.datasets.make_routines`: real
BasicMotions smartwatch data (accelerometer and gyroscope) laid out along a
daily schedule, with day-to-day jitter, skipped blocks and sensor gaps. We show
the windows' true activities and the routines found as timelines, days by hours,
drawn by :func:`~sktime_metric.cluster.plot_routine_timeline`.
"""

import os

import torch

os.environ.setdefault("OMP_NUM_THREADS", "1")
torch.set_num_threads(1)
# No fast mode: the whole example runs in about 6 s on one thread; with 20
# epochs instead of 40 the learned routines were noisier (time-of-day
# completeness 0.89 against 0.97).

# %%
# A week of recording
# -------------------
# One row every 72 s (50 rows an hour); the schedule says what each hour holds.
import matplotlib.pyplot as plt
import numpy as np

from sktime_metric.cluster import RoutineClusterer, plot_routine_timeline
from sktime_metric.datasets import make_routines
from sktime_metric.evaluation import routine_scores

X, timestamps, activities, schedule = make_routines(7, step=72,
                                                    random_state=0)
print(f"{X.shape[0]} rows x {X.shape[1]} channels over "
      f"{timestamps[-1] / 86400:.1f} days; {np.isnan(X[:, 0]).sum()} rows with the sensor off")
for start, end, activity in schedule:
    print(f"{start:4.0f}h-{end:2.0f}h  {activity}")

# %%
# Learn the metric, cluster the windows
# -------------------------------------
# The default metric, ``"sgru"``, is the thesis's siamese GRU
# (:class:`~sktime_metric.metric.CoupledGRUMetric` without coupling), trained
# with the hours of the day as classes; its parameters go in
# ``metric_params``. ``"euclidean"`` (on the resampled windows, no learning) is
# the baseline.
learned = RoutineClusterer(
    n_clusters=5, seq_len=50, random_state=0,
    metric_params=dict(max_epochs=40),
).fit(X, timestamps=timestamps)
baseline = RoutineClusterer("euclidean", n_clusters=5, seq_len=50,
                            random_state=0).fit(X, timestamps=timestamps)

# %%
# The activity of each window (the row in its middle), for reference only.
middle = np.searchsorted(timestamps, learned.window_starts_) + 25
names, window_activity = np.unique(activities[middle], return_inverse=True)
for name, model in {"sgru": learned, "euclidean": baseline}.items():
    scores = routine_scores(model.labels_, model.slot_index_, activities=window_activity)
    print(f"{name:>9}: time-of-day completeness {scores['completeness']:.2f}, "
          f"activity AMI {scores['activity_ami']:.2f}")

# %%
# Timelines
# ---------
# Each row is a day, each column an hour; routines show as vertical bands that
# repeat across days. Blank cells would be windows lost to sensor gaps.
fig, axes = plt.subplots(3, 1, figsize=(7, 9), sharex=True)
plot_routine_timeline(window_activity, learned.day_index_, learned.slot_index_,
                      n_slots=learned.n_slots_, ax=axes[0], cmap="tab10")
fig.axes[-1].set_ylabel("activity")  # the colorbar just added
axes[0].set_title("true activity: " + ", ".join(f"{i}={n}" for i, n in enumerate(names)),
                  fontsize=9)
for ax, (name, model) in zip(axes[1:], {"sgru": learned,
                                        "euclidean": baseline}.items()):
    plot_routine_timeline(model.labels_, model.day_index_, model.slot_index_,
                          n_slots=model.n_slots_, ax=ax, cmap="tab10")
    ax.set_title(f"routines, metric={name!r}", fontsize=9)
for ax in axes[:-1]:
    ax.set_xlabel("")
fig.tight_layout()
plt.show()
