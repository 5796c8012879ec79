"""Assessment: schemes, results recomputed as marks change, manual and tutors' scores, vetoes,
excellence with its notice, and posting the hours when a project closes. Layer 11."""
