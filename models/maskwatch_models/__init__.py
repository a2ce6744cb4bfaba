"""Maskwatch training pipeline: data, nets, training, tracking, export and report."""
