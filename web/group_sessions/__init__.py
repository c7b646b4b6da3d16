"""Group sessions (a Triple P seminar or workshop session) and the places left per modality."""
