"""Coverage: measuring what runs exercised, and generating covering scenarios."""
