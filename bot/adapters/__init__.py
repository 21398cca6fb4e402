"""Messenger adapters: they translate between a messenger and the chat layer, nothing else."""
