"""Trained model files for ``newsdesk.verify``: JSON and ONNX (never pickle).

``support.json``: the pairwise support classifier (gradient-boosted trees), its
decision threshold and the news document frequencies its features use; written
by ``training/train_support.py`` (recipe and figures in ``training/README.md``).

``entailment.onnx`` (not shipped): a cross-encoder that joins the trees where they are
unsure (all-MiniLM-L6-v2 fine-tuned, int8 weights), with ``entailment.tokenizer.json``
and ``entailment.json`` (band, blend, threshold, figures); written by
``training/train_entailment.py``. The one trained so far measured worse than the trees
alone on the XSum sets and ran at a quarter of their speed (``training/README.md``), so
the support check uses it only where these files are installed.
"""
