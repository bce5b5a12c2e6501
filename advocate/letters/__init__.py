"""Letters: types, plain-data context, templates and PDF rendering."""
