"""One module per printed document; each exposes render_<name>(data, out, progress=None)."""
