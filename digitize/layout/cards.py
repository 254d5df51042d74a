"""ID-card structures (MRZ, QR) and the ID-card checks."""
