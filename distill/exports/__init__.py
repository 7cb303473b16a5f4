"""What leaves distill as files or for other apps: Markdown pages of summaries, and more to come."""
