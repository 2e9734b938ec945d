"""The desktop program's pages, one module a page."""
