"""The LLM pipeline: summaries, answers and translations written by a model, grounded in the transcript."""
