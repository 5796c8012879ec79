"""The pure rules of recognition: duplicates, the review's states, what a proof file is."""
