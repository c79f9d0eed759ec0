"""Training: data loading and splits, trainers per backend, evaluation and model cards.

Imports the runtime (``classifier``); the runtime never imports this package.
"""
