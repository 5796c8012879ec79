"""Training pages. Every view has the same shape: parse, check access (peixun.training.access),
call a service or selector, render (HTMX requests get the page's partial)."""
