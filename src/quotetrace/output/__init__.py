"""Output stage: JSON Lines (FORMAT.md §2), tables for people, HTML reports."""
