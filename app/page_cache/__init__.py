"""The page cache: a signed-in session is served again the page it was last served, while
nothing has been written anywhere since (docs/decisions.md, "Pages served again")."""
