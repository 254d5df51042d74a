"""Exports: JSON, Form 01 spreadsheets (CSV, XLSX)."""
