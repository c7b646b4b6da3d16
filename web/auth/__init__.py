"""People: accounts, passwords, sign-in and what each person may see and do."""
