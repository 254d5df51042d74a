"""The web app for collectors and reviewers (FastAPI), built on the Engine and the store."""
