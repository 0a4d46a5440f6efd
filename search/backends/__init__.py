"""Retrieval backends. Each returns the two legs as (chunk id, score) lists, best first, for one user."""
