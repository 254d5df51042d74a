"""Bulk processing: discover inputs, run them through the Engine in workers, record each in the store."""
