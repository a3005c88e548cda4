"""Stage, without network, the Hugging Face inputs that tinker-cookbook recipes load, so they run against
`tinker local serve` on a machine that cannot reach the hub.

    python tools/stage_offline_hf.py HF_HOME_DIR      # run with a Python that has `tokenizers` and `datasets`

then, for the server and for the recipe alike:

    export HF_HOME=HF_HOME_DIR HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1

What is written:
- A byte-level BPE tokenizer (vocabulary 1000, Qwen's chat special tokens first: `<|endoftext|>` = 0,
  `<|im_start|>` = 1, `<|im_end|>` = 2, ...) trained on a small synthetic corpus, staged for each name in
  MODELS as `HF_HOME_DIR/hub/models--Org--Name/snapshots/<rev>/{tokenizer.json,tokenizer_config.json,
  config.json}` with `refs/main`. `transformers.AutoTokenizer` loads it offline, and `tinker local serve
  --model Org/Name:vocab=1024` finds the same tokenizer.json there.
- `zwhe99/DeepMath-103K` (train split, its column names, 64 arithmetic questions) as a `datasets` cache entry
  under `HF_HOME_DIR/datasets`, which `load_dataset("zwhe99/DeepMath-103K", split="train")` returns offline.

The data is synthetic: it exercises the recipes' plumbing, not their learning.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

MODELS = {  # name -> EOS token (base models end text, chat models end a turn)
    "Qwen/Qwen3-8B-Base": "<|endoftext|>",
    "Qwen/Qwen3-8B": "<|im_end|>",
    "Qwen/Qwen3.5-9B": "<|im_end|>",
    "Qwen/Qwen3.5-9B-Base": "<|endoftext|>",
    "Qwen/Qwen3.6-35B-A3B": "<|im_end|>",
}
SPECIAL_TOKENS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<think>",
    "</think>",
    "<tool_call>",
    "</tool_call>",
    "<tool_response>",
    "</tool_response>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
]
REVISION = "0" * 40


def _corpus() -> list[str]:
    rnd = random.Random(0)
    lines = []
    for _ in range(2000):
        a, b = rnd.randint(0, 999), rnd.randint(0, 999)
        lines.append(f"User: What is {a} + {b}?\n\nAssistant: {a + b}\n\nUser: Solve x^2 = {a}. \\boxed{{{a}}}")
    lines += [
        "The quick brown fox jumps over the lazy dog. Le renard brun saute. El zorro marrón salta.",
        "Der schnelle braune Fuchs. Быстрая лиса. 快速的狐狸。 Γρήγορη αλεπού. तेज़ लोमड़ी. Hızlı tilki.",
        "Final Answer: en",
        "Which team should answer it? choice#A",
        "system\nuser\nassistant\n",
    ] * 50
    return lines


def build_tokenizer(vocab_size: int = 1000):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(_corpus(), trainer)
    return tok


def stage_model(hf_home: Path, name: str, tok, eos: str) -> Path:
    repo = hf_home / "hub" / ("models--" + name.replace("/", "--"))
    snap = repo / "snapshots" / REVISION
    snap.mkdir(parents=True, exist_ok=True)
    (repo / "refs").mkdir(exist_ok=True)
    (repo / "refs" / "main").write_text(REVISION)
    tok.save(str(snap / "tokenizer.json"))
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "eos_token": eos,
        "bos_token": None,
        "pad_token": "<|endoftext|>",
        "model_max_length": 131072,
        "clean_up_tokenization_spaces": False,
    }
    (snap / "tokenizer_config.json").write_text(json.dumps(config, indent=1))
    # AutoTokenizer reads config.json (the model type) before the tokenizer files.
    (snap / "config.json").write_text(json.dumps({"model_type": "qwen3", "vocab_size": tok.get_vocab_size()}))
    return snap


def stage_dataset(hf_home: Path, repo_id: str, splits: dict[str, list[dict]], config_name: str = "default") -> Path:
    """The layout `datasets` keeps a downloaded hub dataset in, which its offline mode falls back to."""
    import datasets
    from datasets.arrow_writer import ArrowWriter
    from datasets.naming import camelcase_to_snakecase

    namespace, name = repo_id.split("/")
    snake = camelcase_to_snakecase(name)
    out = hf_home / "datasets" / f"{namespace}___{snake}" / config_name / "0.0.0" / ("f" * 40)
    out.mkdir(parents=True, exist_ok=True)
    split_infos, features = [], None
    for split, rows in splits.items():
        ds = datasets.Dataset.from_list(rows)
        features = ds.features
        with ArrowWriter(features=features, path=str(out / f"{snake}-{split}.arrow")) as writer:
            writer.write_table(ds.data.table)
            n, nbytes = writer.finalize()
        split_infos.append({"name": split, "num_bytes": nbytes, "num_examples": n, "dataset_name": snake})
    info = datasets.DatasetInfo(
        features=features,
        config_name=config_name,
        dataset_name=snake,
        version="0.0.0",
        splits=datasets.SplitDict.from_split_dict(split_infos),
    )
    info.write_to_directory(str(out))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    hf_home = Path(argv[1]).resolve()
    tok = build_tokenizer()
    for name, eos in MODELS.items():
        stage_model(hf_home, name, tok, eos)
    rnd = random.Random(1)
    questions = [(rnd.randint(2, 99), rnd.randint(2, 99)) for _ in range(64)]
    deepmath = [
        {
            "question": f"What is {a} times {b}?",
            "final_answer": str(a * b),
            "difficulty": 1.0,
            "topic": "arithmetic",
            "r1_solution_1": "",
            "r1_solution_2": "",
            "r1_solution_3": "",
        }
        for a, b in questions
    ]
    stage_dataset(hf_home, "zwhe99/DeepMath-103K", {"train": deepmath})
    print(f"staged {len(MODELS)} tokenizers (vocabulary {tok.get_vocab_size()}) and 1 dataset in {hf_home}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
