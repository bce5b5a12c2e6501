"""Case files: the anonymised case record, its workflow, list, search and CSV."""
