#!/usr/bin/env bash
# Runs tinker-cookbook 0.6.1's own unit tests that use the `tinker` SDK, with THIS repo's `tinker` installed
# in place of the official SDK, offline.
#
#   tools/run_cookbook_tests.sh VENV_DIR
#
# VENV_DIR is created if missing (reused if present: every install step is idempotent). The official `tinker`
# distribution is never installed there; the script checks that `import tinker` resolves into this repo.
# Exits non-zero if the setup or any selected test fails.
#
# Environment:
#   PYTHON       interpreter to build the venv with (default: python3)
#   PYTEST_ARGS  extra pytest arguments (e.g. "-x" or "-v")
#
# What is run: the cookbook's unit tests (`tinker_cookbook/**/*_test.py`, only in the sdist: the wheel ships
# no tests) whose module imports `tinker`, or whose tests were seen executing code of tinker/, tinker_wire/ or
# generated/ at run time (sys.setprofile trace), plus tests/downstream_compat (which imports every public
# cookbook module, and so every `tinker` name they use at import time). Deselected: what needs a model hub,
# the Tinker service or a package the registry does not have; each with its reason below. The cookbook's
# tests/ directory outside downstream_compat is integration tests against the live service (its conftest
# skips them without TINKER_API_KEY, and fails them under CI=true), so it is not run.
set -euo pipefail

COOKBOOK_VERSION=0.6.1
VENV=${1:?usage: $0 VENV_DIR}
REPO=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
VENV=$(mkdir -p "$VENV" && cd "$VENV" && pwd)
PY="$VENV/bin/python"
SRC="$VENV/cookbook-src"
LOG="$VENV/setup.log"

t0=$(date +%s)
: >"$LOG"
[ -x "$PY" ] || "$PYTHON" -m venv "$VENV"
pip_() { "$PY" -m pip "$1" --disable-pip-version-check --progress-bar off "${@:2}" >>"$LOG" 2>&1 || { tail -n 40 "$LOG"; exit 1; }; }

# 1. This repo's SDK (provides `import tinker`), editable.
pip_ install -e "$REPO[local]"
# 2. The cookbook without its dependencies (they name the official `tinker`).
pip_ install --no-deps "tinker-cookbook==$COOKBOOK_VERSION"
# 3. Its tests: only in the sdist. (pip prepares the sdist's metadata, which fetches hatchling + hatch-vcs.)
if [ ! -f "$SRC/tinker_cookbook-$COOKBOOK_VERSION/pyproject.toml" ]; then
    rm -rf "$SRC" && mkdir -p "$SRC"
    pip_ download --no-deps --no-binary :all: -d "$SRC" "tinker-cookbook==$COOKBOOK_VERSION"
    tar -xzf "$SRC/tinker_cookbook-$COOKBOOK_VERSION.tar.gz" -C "$SRC"
fi
# 4. The cookbook's runtime dependencies except `tinker`, at the versions this list was made with.
#    torch: the CPU build present on this machine's local index (a plain `pip install torch` pulls CUDA wheels).
#    tml-renderers: the cookbook asks >=0.4.1, the registry has 0.2.1 at most; 0.2.1 runs most of tml_v0_test
#      (tests needing the newer wheel are deselected below). modal: imported by harbor_factory_test's
#      recipe. jiwer: recipes/audio/asr/env_test.
pip_ install torch==2.13.0 aiohttp==3.14.5 anyio==4.16.0 blobfile==3.3.0 chz==0.4.0 cloudpickle==3.1.3 \
    datasets==5.2.0 huggingface-hub==2.4.0 pillow==13.0.0 pyrage==1.4.0 rich==15.0.0 safetensors==0.8.0 \
    termcolor==3.3.0 tiktoken==0.14.0 tqdm==4.70.1 transformers==5.25.0 tml-renderers==0.2.1 modal==1.6.4 \
    jiwer==4.0.0 pytest==9.2.0 pytest-asyncio==1.5.0 pytest-timeout==2.4.0
# 5. litellm (third_party/litellm/provider_test builds tinker SamplingParams): the cookbook pins 1.105.1,
#    which declares huggingface-hub<2 while transformers 5.25 needs >=2.4; both work together at run time,
#    so litellm goes in without its dependency list, and its other requirements explicitly.
pip_ install --no-deps litellm==1.105.1
pip_ install fastuuid==0.14.0 openai==2.54.0 python-dotenv==1.2.4 importlib-metadata==8.9.0 \
    pydantic-settings==2.16.3 jsonschema==4.26.0 boto3==1.44.18

# The official SDK must not be there, and `tinker` must be this repo's.
if "$PY" -m pip show tinker >/dev/null 2>&1; then
    echo "error: the official 'tinker' distribution is installed in $VENV" >&2; exit 1
fi
TINKER_FILE=$(cd / && "$PY" -c 'import tinker; print(tinker.__file__)')
case "$TINKER_FILE" in
    "$REPO"/*) ;;
    *) echo "error: 'import tinker' resolves to $TINKER_FILE, not into $REPO" >&2; exit 1 ;;
esac
t1=$(date +%s)
# Downloaded volume: pip names each file it fetches from a remote index with its size; files found on this
# machine's local indexes are shown as "Processing" and not counted.
MB=$("$PY" - "$LOG" <<'EOF'
import re, sys
unit = {"B": 1e-6, "kB": 1e-3, "KB": 1e-3, "MB": 1.0, "GB": 1e3}
tot = sum(float(n) * unit[u] for n, u in re.findall(r"^\s*Downloading \S+ \(([\d.]+) (B|kB|KB|MB|GB)\)", open(sys.argv[1]).read(), re.M))
print(f"{tot:.0f}")
EOF
)
echo "setup: $((t1 - t0)) s, ~$MB MB downloaded (log: $LOG); tinker = $TINKER_FILE"

# ---------------------------------------------------------------------------------------------------------
UNIT_FILES=(
    tinker_cookbook/capture/instrument_test.py
    tinker_cookbook/capture/proxy/proxy_test.py
    tinker_cookbook/capture/store/client_test.py
    tinker_cookbook/checkpoint_utils_test.py
    tinker_cookbook/completers_test.py
    tinker_cookbook/distillation/sdft_token_alignment_test.py
    tinker_cookbook/eval/benchmarks/resume_metrics_test.py
    tinker_cookbook/eval/custom_evaluators_test.py
    tinker_cookbook/recipes/audio/asr/env_test.py
    tinker_cookbook/recipes/decisions/decisions_test.py
    tinker_cookbook/recipes/distillation/harbor_factory_test.py
    tinker_cookbook/recipes/forecasting/train_test.py
    tinker_cookbook/recipes/sdft/sdft_test.py
    tinker_cookbook/renderers/kimi_k25_test.py
    tinker_cookbook/renderers/tml_v0_test.py
    tinker_cookbook/rl/async_drain_exports_test.py
    tinker_cookbook/rl/async_training_test.py
    tinker_cookbook/rl/constant_batch_cost_test.py
    tinker_cookbook/rl/cost_metrics_test.py
    tinker_cookbook/rl/data_processing_test.py
    tinker_cookbook/rl/discarded_group_cost_test.py
    tinker_cookbook/rl/kl_scoring_test.py
    tinker_cookbook/rl/max_steps_test.py
    tinker_cookbook/rl/message_env_test.py
    tinker_cookbook/rl/metric_util_test.py
    tinker_cookbook/rl/min_viable_group_test.py
    tinker_cookbook/rl/multiturn_weight_assignment_test.py
    tinker_cookbook/rl/rollout_error_resilience_test.py
    tinker_cookbook/rl/rollout_logging_test.py
    tinker_cookbook/rl/rollout_presets_test.py
    tinker_cookbook/rl/rollout_runner_test.py
    tinker_cookbook/rl/rollout_semantics_regression_test.py
    tinker_cookbook/rl/stream_minibatch_shutdown_test.py
    tinker_cookbook/rl/termination_reward_test.py
    tinker_cookbook/rl/train_test.py
    tinker_cookbook/supervised/common_test.py
    tinker_cookbook/third_party/litellm/provider_test.py
    tinker_cookbook/utils/trace_test.py
    tinker_cookbook/weights/download_test.py
    # Not run, although they import tinker:
    #  renderers/deepseek_v3_test.py       every test loads the deepseek-ai/DeepSeek-V3.1 tokenizer (hub)
    #  renderers/image_token_count_test.py Qwen/Qwen3-VL-8B-Instruct and Nemotron-3.5-Super-VL processors (hub)
    #  renderers/nemotron3_5_super_test.py every test loads the nvidia/NVIDIA-Nemotron-3.5-Super-VL tokenizer (hub)
    #  renderers/tool_calling_test.py      every case loads a hub tokenizer (Qwen3, Llama-3.1, DeepSeek, Kimi, ...)
    #  scripts/test_tool_calling_e2e.py    a script against the live Tinker service (the cookbook's
    #                                      norecursedirs keeps it out of its own runs too)
)
# Deselected by node-id prefix (pytest's --deselect matches prefixes, so "...[qwen" drops every "qwen" case).
DESELECT=(
    # Qwen/Qwen3.5-4B tokenizer (hub); the "inkling" cases use the tokenizer shipped in tml-renderers and run.
    'tinker_cookbook/recipes/decisions/decisions_test.py::TestPrefixedChoiceRenderer::test_labels_get_letter_ids_in_order[qwen'
    'tinker_cookbook/recipes/decisions/decisions_test.py::TestPrefixedChoiceRenderer::test_all_26_ids_are_distinct_single_tokens[qwen'
    'tinker_cookbook/recipes/decisions/decisions_test.py::TestPrefixedChoiceRenderer::test_rejects_unusable_inputs[qwen'
    'tinker_cookbook/recipes/decisions/decisions_test.py::TestPrefixedChoiceRenderer::test_placeholder_may_be_a_choice_id[qwen'
    'tinker_cookbook/recipes/decisions/decisions_test.py::TestDecisionRenderer::test_prompt_layout[qwen'
    'tinker_cookbook/recipes/decisions/decisions_test.py::TestDecisionRenderer::test_choices_without_descriptions_still_list_id_and_label[qwen'
    'tinker_cookbook/recipes/decisions/decisions_test.py::TestDecisionRenderer::test_multi_word_labels_render[qwen'
    'tinker_cookbook/recipes/decisions/decisions_test.py::TestDecisionRenderer::test_rendering_is_a_prefix_of_the_full_conversation[qwen'
    'tinker_cookbook/recipes/decisions/decisions_test.py::test_decision_choice_datums_weight_only_the_answer_token[qwen'
    'tinker_cookbook/recipes/decisions/decisions_test.py::test_decision_dist_datums_target_every_choice_at_the_answer_row[qwen'
    # moonshotai/Kimi-K2.6 tokenizer (hub).
    'tinker_cookbook/recipes/decisions/decisions_test.py::test_kimi_k26_choice_rendering'
    # Qwen/Qwen3.5-4B tokenizer (hub), through the module's tokenizer fixture.
    'tinker_cookbook/recipes/sdft/sdft_test.py::TestBuildSDFTTeacherPrompt::test_basic'
    'tinker_cookbook/recipes/sdft/sdft_test.py::TestBuildSDFTTeacherPrompt::test_with_system_prompt'
    'tinker_cookbook/recipes/sdft/sdft_test.py::TestBuildSDFTTeacherPrompt::test_custom_template'
    'tinker_cookbook/recipes/sdft/sdft_test.py::TestSDFTDataset::'
    # moonshotai/Kimi-K2.5 tokenizer/image processor (hub); the test_typescript_tool_declaration_* tests run.
    'tinker_cookbook/renderers/kimi_k25_test.py::test_kimi_k25_'
    # Need tml-renderers >= 0.4 (H200kBaseChatTokenizer for Inkling-2-Small); the registry has 0.2.1.
    'tinker_cookbook/renderers/tml_v0_test.py::test_image_path_builds_tinker_chunk[thinkingmachines/Inkling-2-Small]'
    'tinker_cookbook/renderers/tml_v0_test.py::test_tool_calls_are_accepted_through_oss_messages[thinkingmachines/Inkling-2-Small]'
    'tinker_cookbook/renderers/tml_v0_test.py::test_parsed_tml_tool_call_returns_cookbook_tool_call_object[thinkingmachines/Inkling-2-Small]'
    'tinker_cookbook/renderers/tml_v0_test.py::test_tool_declarations_emit_tool_declare_prefix[thinkingmachines/Inkling-2-Small]'
    'tinker_cookbook/renderers/tml_v0_test.py::test_extension_property_holds_multiturn[thinkingmachines/Inkling-2-Small]'
    'tinker_cookbook/renderers/tml_v0_test.py::test_h200k_renderer_discovery_and_round_trip['
    'tinker_cookbook/renderers/tml_v0_test.py::test_explicit_effort_preserves_sampling_sft_and_pickle_parity[0.7-thinkingmachines/Inkling-2-Small]'
    'tinker_cookbook/renderers/tml_v0_test.py::test_explicit_effort_preserves_sampling_sft_and_pickle_parity[0.2-thinkingmachines/Inkling-2-Small]'
    # The cookbook's own expired deprecation: write_rollout_summaries_jsonl is marked "removed in 0.4.0" and
    # raises RuntimeError in 0.6.1 (fails with the official SDK too).
    'tinker_cookbook/rl/rollout_logging_test.py::test_write_rollout_summaries_jsonl_handles_numpy_scalars'
    # tests/downstream_compat: loads the Qwen/Qwen2.5-VL-3B-Instruct tokenizer (hub).
    'tests/downstream_compat/test_package_exports.py::TestRendererExports::test_vl_renderer_without_image_processor_succeeds_for_text'
)

DESELECT_ARGS=()
for d in "${DESELECT[@]}"; do DESELECT_ARGS+=(--deselect "$d"); done
# Offline: the hub libraries fail at once instead of trying the network; a fresh hub cache so a
# developer's cached tokenizers cannot change what runs. CI unset: the cookbook's tests/conftest.py fails
# its integration tests under CI=true (none of them is selected; this keeps that hook quiet).
run_pytest() {
    (cd "$SRC/tinker_cookbook-$COOKBOOK_VERSION" && env -u CI HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
        HF_HOME="$VENV/hf-home" LITELLM_LOCAL_MODEL_COST_MAP=True \
        "$PY" -m pytest -q -p no:cacheprovider --timeout 300 -rfE "${DESELECT_ARGS[@]}" ${PYTEST_ARGS:-} "$@")
}
rc=0
# Two runs: tests/conftest.py's collection hook would skip the tinker_cookbook tests if both were collected
# in one session.
run_pytest "${UNIT_FILES[@]}" || rc=$?
run_pytest tests/downstream_compat || rc=$((rc ? rc : $?))
t2=$(date +%s)
echo "cookbook tests: $((t2 - t1)) s (setup $((t1 - t0)) s); exit $rc"
exit "$rc"
