"""Trained model files for ``newsdesk.verify``, stored as plain JSON (never pickle).

``support.json``: the pairwise support classifier (gradient-boosted trees), its
decision threshold and the news document frequencies its features use; written
by ``training/train_support.py`` (recipe and figures in ``training/README.md``).
"""
