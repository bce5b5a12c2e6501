"""Identity vault: the encrypted identity record, the keyring and the leak guard on free text."""
