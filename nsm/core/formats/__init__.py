"""Date and number formats where Django's own do not read as the language writes them (FORMAT_MODULE_PATH)."""
