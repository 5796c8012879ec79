"""Certificates: templates and seals, numbers, batches issued in the background, the PDF, revocation,
the personal file, and the public verification pages. Layer 12."""
