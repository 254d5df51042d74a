"""fields stage."""
