"""NSM: draft, coordinate and monitor a National Strategy on Migration and its costed Action Plan."""
