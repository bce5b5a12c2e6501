"""Administration: accounts and organisation settings."""
