"""The subcommands of ``sktime-metric`` (:mod:`sktime_metric.cli`), one module each.

``benchmark``, ``fit`` and ``predict`` each hold a subcommand's options
(``add_command``) and what it does (``run``); ``files`` reads the user's files
they take.
"""
