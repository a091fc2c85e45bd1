"""The store's logic in SQL, one implementation for both backends (see ``base.py``)."""
