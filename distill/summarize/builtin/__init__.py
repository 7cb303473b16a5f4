"""The built-in summarizer: an extractive summary, Q&A, chapters and emoji, and answers, with no model."""
