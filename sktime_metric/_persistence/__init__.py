"""The implementation of :mod:`sktime_metric.persistence`, by concept.

- ``archive``: the archive's two members, its format version, the records that
  stand in for skorch nets and tensors in the skops file, and the walk that
  swaps them in and out;
- ``trust``: the allow-lists, what the skops file and a net record may name;
- ``save``: :func:`~sktime_metric.persistence.save_weights`;
- ``load``: :func:`~sktime_metric.persistence.load_weights`.
"""
