"""``ferrograd.utils.data``: ``Dataset``, ``TensorDataset``, ``DataLoader``, ``random_split``."""

from .dataloader import DataLoader, default_collate
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from .generator import Generator

__all__ = [
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "Generator",
    "Subset",
    "TensorDataset",
    "default_collate",
    "random_split",
]
