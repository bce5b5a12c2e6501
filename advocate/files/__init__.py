"""Encrypted file storage: stored letter PDFs and uploaded replies, sniffed and sealed at rest."""
