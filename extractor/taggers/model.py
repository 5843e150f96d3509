"""The model tagger: a character-level token classifier over the product label set (labels.py).

Long notices are split into overlapping windows cut at clause boundaries (Document.windows); every
character gets the label probabilities of the window where it lies farthest from a cut, so nothing is
truncated and no span is lost or doubled at a cut. Windows are batched by length under
``torch.inference_mode``. Tokens map back to characters through the tokenizer's offset mapping, which
works for the project's one-character-per-token tokenizer and for WordPiece checkpoints such as
bert-base-chinese. Spans come from the most probable valid BIO sequence of each layer (decode.py). A
span's score is the mean, over its characters, of the probability that the
character belongs to the span's label (the layer's B- and I- tags summed over the other layer).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from extractor.labels import ID2LABEL, LAYER_OF, PRODUCT_LABELS
from extractor.schema import TagResult
from extractor.segment import Document
from extractor.taggers.decode import decode

MODEL_CARD_HINT = ("no fine-tuned tagger at this path: pass --model-dir with a token-classification checkpoint "
                   "over the product label set of extractor/labels.py (commitments train tagger makes one), "
                   "or run with --tagger rules")
# Per label, the product-label ids whose layer tag is B- or I- of that label: summed, the label's marginal.
_MEMBERS = {label: [i for i, tag in ID2LABEL.items()
                    if tag.split("|")[0 if layer == "layer1" else 1].endswith(f"-{label}")]
            for label, layer in LAYER_OF.items()}


def resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda: no CUDA device is available here (use --device cpu or auto)")
    return device


def resolve_precision(precision: str, device: str) -> str:
    """``auto``: bf16 autocast where the hardware computes bf16 natively (a CPU with AVX-512 BF16 or AMX, a
    GPU that supports it), else fp32. On the dev splits bf16 gave the same scores as fp32 (model card)."""
    if precision != "auto":
        return precision
    import torch

    if device.startswith("cuda"):
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")  # private, so looked up with a fallback
    native = any(getattr(torch.cpu, name, lambda: False)() for name in checks)
    return "bf16" if native else "fp32"


def quantize_int8(model, device: str):
    """The model with its Linear layers as dynamic int8 (weights int8, activations quantised per batch):
    about twice the fp32 speed on CPU, at the cost of a few moved spans (model card). CPU only."""
    import warnings

    import torch

    if not device.startswith("cpu"):
        raise ValueError(f"--precision int8 runs on the CPU only (device {device}): use bf16 on a GPU")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao's notice that this eager API moves to torchao
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


class ModelTagger:
    name = "model"

    def __init__(self, model, tokenizer, max_chars: int = 254, overlap: int = 32, batch_size: int = 32,
                 device: str = "cpu", precision: str = "fp32"):
        self.device = device
        self.precision = precision = resolve_precision(precision, device)
        self.model = model.to(device).eval()
        if precision == "int8":
            self.model = quantize_int8(self.model, device)
        self.tokenizer = tokenizer
        self.max_chars = max_chars
        self.overlap = overlap
        self.batch_size = batch_size

    @classmethod
    def load(cls, model_dir: str | Path, device: str = "auto", **kwargs) -> ModelTagger:
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        path = Path(model_dir)
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"no model checkpoint at {path} ({MODEL_CARD_HINT})")
        model = AutoModelForTokenClassification.from_pretrained(str(path))
        labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        if labels != PRODUCT_LABELS:
            raise ValueError(f"{path}: the checkpoint's labels {labels[:4]}… are not the project's product "
                             f"label set (extractor/labels.py)")
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        limit = min(getattr(model.config, "max_position_embeddings", 512), 512) - 2
        return cls(model, tokenizer, max_chars=kwargs.pop("max_chars", min(254, limit)),
                   device=resolve_device(device), **kwargs)

    def probabilities(self, text: str, windows: list[tuple[int, int]] | None = None) -> np.ndarray:
        """(len(text), num_labels) label probabilities per character."""
        import torch

        probs = np.zeros((len(text), len(PRODUCT_LABELS)), dtype=np.float32)
        probs[:, 0] = 1.0  # characters no token covers (dropped whitespace) stay O|O
        best_margin = np.full(len(text), -1, dtype=np.int64)
        spans = sorted(windows or Document(text).windows(self.max_chars, self.overlap),
                       key=lambda w: w[1] - w[0])  # similar lengths per batch: little padding
        for i in range(0, len(spans), self.batch_size):
            batch = spans[i:i + self.batch_size]
            enc = self.tokenizer([text[a:b] for a, b in batch], return_offsets_mapping=True, padding=True,
                                 truncation=True, max_length=self.max_chars + 2, return_tensors="pt")
            offsets = enc.pop("offset_mapping").numpy()
            inputs = {k: v.to(self.device) for k, v in enc.items() if k in ("input_ids", "attention_mask")}
            with torch.inference_mode(), torch.autocast(self.device.split(":")[0], dtype=torch.bfloat16,
                                                        enabled=self.precision == "bf16"):
                logits = self.model(**inputs).logits
            window_probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()
            for (a, b), offs, wp in zip(batch, offsets, window_probs, strict=True):
                self._keep_best(probs, best_margin, a, b, offs, wp)
        dropped = [i for i in np.flatnonzero(best_margin < 0) if not text[i].isspace()]
        if dropped:  # a tokenizer that splits one character into several tokens can overflow a window
            raise ValueError(f"the tokenizer left {len(dropped)} characters uncovered (first at offset "
                             f"{dropped[0]}); lower max_chars for this checkpoint")
        return probs

    @staticmethod
    def _keep_best(probs: np.ndarray, best_margin: np.ndarray, a: int, b: int, offs: np.ndarray,
                   window_probs: np.ndarray) -> None:
        """Give each character of window [a, b) this window's probabilities where it lies farther from
        the window's cuts than in any window seen so far (vectorised: a Python loop per character was
        most of the tagger's time)."""
        real = offs[:, 1] > offs[:, 0]  # special and padding tokens have empty offsets
        starts, ends, token_probs = offs[real, 0], offs[real, 1], window_probs[real]
        widths = ends - starts
        token = np.repeat(np.arange(len(starts)), widths)
        within = np.arange(len(token)) - np.repeat(np.cumsum(widths) - widths, widths)
        pos = a + starts[token] + within
        margin = np.minimum(pos - a, b - 1 - pos)
        better = margin > best_margin[pos]
        best_margin[pos[better]] = margin[better]
        probs[pos[better]] = token_probs[token[better]]

    def __call__(self, doc: Document) -> TagResult:
        if not doc.text:
            return TagResult()
        probs = self.probabilities(doc.text, doc.windows(self.max_chars, self.overlap))
        spans = decode(probs)
        for span in spans:
            span.score = float(probs[span.start:span.end, _MEMBERS[span.label]].sum(axis=1).mean())
        return TagResult(spans=spans)
