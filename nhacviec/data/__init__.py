"""Data shipped with the package: the example plan the demo loads."""
