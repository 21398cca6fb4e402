"""The ground floor: config, clock, logs, texts and errors, for every layer."""
