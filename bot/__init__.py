"""Chat: one messenger interface, command handling that does not know which messenger it
serves, the Vietnamese texts, and the console, Telegram and Zalo adapters."""
