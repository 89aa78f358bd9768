"""Input: reading event files and documents, and replaying them."""
