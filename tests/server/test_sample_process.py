"""``asample`` in engine processes (``sampling_processes``): the same results as the sampling threads, bit for bit,
for base models and LoRA snapshots; a killed process is replaced and its request run again, once; a stopped or
killed server leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import local_server_fixture
from tinker_local import LocalServer

from .conftest import MODEL, make_api, text_tokens

processes = local_server_fixture(name="processes", sampling_processes=1, retrieve_timeout_s=30.0)
threads = local_server_fixture(name="threads", sampling_processes=0)


def _sampling_children(parent: int | None = None) -> set[int]:
    """Pids of the sampling processes whose parent is ``parent`` (default: this process, the in-process servers')."""
    parent = os.getpid() if parent is None else parent
    out = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"sample_process" in cmd:
            out.add(int(entry.name))
    return out


def _wait_for(pred: Any, timeout: float = 20.0) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = pred()
        if got:
            return got
        time.sleep(0.01)
    raise AssertionError("timed out")


def _body(ssid: str, seq: int, *, max_tokens: int = 6, n: int = 3, seed: int = 5, **extra: Any) -> dict[str, Any]:
    return {
        "sampling_session_id": ssid,
        "seq_id": seq,
        "prompt": {"chunks": [{"tokens": text_tokens("Processes agree")}]},
        "sampling_params": {"max_tokens": max_tokens, "seed": seed, "temperature": 1.0},
        "num_samples": n,
        **extra,
    }


def _samplers(api: Any) -> list[str]:
    """A base-model sampler and a sampler of a trained LoRA snapshot (its adapter goes to the process)."""
    sid = api.session()
    base = api.ok("create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 0, "base_model": MODEL})
    mid = api.model(sid, seed=3)
    api.result(api.fb(mid, 1, ["the processes agree", "bit for bit"]))
    api.result(api.optim(mid, 2, lr=0.05))
    save = api.result(api.ok("save_weights_for_sampler", {"model_id": mid, "seq_id": 3, "path": "s0"}))
    lora = api.ok(
        "create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 1, "model_path": save["path"]}
    )
    return [base["sampling_session_id"], lora["sampling_session_id"]]


def _results(server: LocalServer) -> list[Any]:
    c, api = make_api(server.base_url)
    with c:
        out = []
        for ssid in _samplers(api):
            plain = api.result(api.ok("asample", _body(ssid, 0)))
            scored = api.result(
                api.ok("asample", _body(ssid, 1, prompt_logprobs=True, topk_prompt_logprobs=2, topk_sample_logprobs=2))
            )
            out += [plain, scored]
        return out


def test_processes_and_threads_give_bitwise_the_same_samples(processes: LocalServer, threads: LocalServer) -> None:
    before = _sampling_children()
    got, want = _results(processes), _results(threads)
    assert got == want
    assert all(seq["tokens"] for r in got for seq in r["sequences"])
    assert got[0] != got[2], "the LoRA snapshot must sample differently from the base model"
    # the processes server started one child; the threads server none
    assert len(_sampling_children() - before) <= 1 and _sampling_children()


def test_a_killed_process_is_replaced_and_its_request_run_again(processes: LocalServer, caplog: Any) -> None:
    c, api = make_api(processes.base_url)
    with c:
        ssid = _samplers(api)[1]
        api.result(api.ok("asample", _body(ssid, 0, max_tokens=1)))  # the child is up and holds the adapter
        (child,) = _sampling_children()
        long = _body(ssid, 1, max_tokens=1500, n=8)
        future = api.ok("asample", long)
        time.sleep(0.05)  # the child is inside the sample
        os.kill(child, signal.SIGKILL)
        first = api.result(future)
        new = _wait_for(lambda: _sampling_children() - {child})
        assert len(new) == 1
        # the rerun equals a fresh run of the same request (on the replacement, which got the adapter again)
        assert first == api.result(api.ok("asample", {**long, "seq_id": 2}))
    assert any("ended with signal 9; running 1 of its 1 requests again" in r.getMessage() for r in caplog.records)


def test_a_request_whose_process_dies_twice_fails_as_a_server_error(processes: LocalServer) -> None:
    c, api = make_api(processes.base_url)
    with c:
        ssid = _samplers(api)[0]
        api.result(api.ok("asample", _body(ssid, 0, max_tokens=1)))
        (child,) = _sampling_children()
        future = api.ok("asample", _body(ssid, 1, max_tokens=1800, n=32))
        time.sleep(0.05)
        os.kill(child, signal.SIGKILL)
        (second,) = _wait_for(lambda: _sampling_children() - {child})
        os.kill(second, signal.SIGKILL)
        r = api.retrieve(future["request_id"])
        assert r.status_code == 200
        body = r.json()
        assert body["category"] == "server" and "sampling process" in body["error"], body
        # the next request runs on a third process
        assert api.result(api.ok("asample", _body(ssid, 2, max_tokens=1)))["sequences"]
        assert _sampling_children() - {child, second}


def test_a_request_sent_while_a_dead_process_exits_keeps_its_rerun(processes: LocalServer, monkeypatch: Any) -> None:
    pool = processes.service.sampling.processes
    c, api = make_api(processes.base_url)
    with c:
        ssid = _samplers(api)[0]
        api.result(api.ok("asample", _body(ssid, 0, max_tokens=1)))
        (child,) = _sampling_children()
        (dying,) = pool._children
        exiting, go = threading.Event(), threading.Event()
        wait = dying.proc.wait

        def slow_exit(timeout: float | None = None) -> int:  # a process whose socket closed but which exits late
            exiting.set()
            go.wait(20)
            return wait(timeout)

        monkeypatch.setattr(dying.proc, "wait", slow_exit)
        try:
            os.kill(child, signal.SIGKILL)
            assert exiting.wait(20)
            # sent while the pool waits for the dead process to exit: it goes to a new process, not the dead one
            future = api.ok("asample", _body(ssid, 1, max_tokens=1))
            (second,) = _wait_for(lambda: _sampling_children() - {child})
            os.kill(second, signal.SIGKILL)  # the process it ran on dies: it still has its one rerun
        finally:
            go.set()
        assert api.result(future)["sequences"]


def test_many_lora_snapshots_take_turns_on_one_process(processes: LocalServer, threads: LocalServer) -> None:
    """More snapshots than the process keeps adapters for: evicted adapters are sent again, never confused."""

    def run(server: LocalServer) -> list[Any]:
        c, api = make_api(server.base_url)
        with c:
            sid = api.session()
            mid = api.model(sid, seed=1)
            ssids = []
            for i in range(20):
                api.result(api.fb(mid, 3 * i + 1, [f"snapshot {i}"]))
                api.result(api.optim(mid, 3 * i + 2, lr=0.05))
                path = api.result(
                    api.ok("save_weights_for_sampler", {"model_id": mid, "seq_id": 3 * i + 3, "path": f"s{i}"})
                )["path"]
                ssids.append(
                    api.ok(
                        "create_sampling_session",
                        {"session_id": sid, "sampling_session_seq_id": i, "model_path": path},
                    )["sampling_session_id"]
                )
            order = list(range(20)) + list(range(19, -1, -1)) + list(range(0, 20, 3))
            return [api.result(api.ok("asample", _body(ssids[i], k, n=1, max_tokens=3))) for k, i in enumerate(order)]

    assert run(processes) == run(threads)


def test_stopping_the_server_stops_its_process_and_fails_what_it_was_running(caplog: Any) -> None:
    before = _sampling_children()
    srv = LocalServer(sampling_processes=1).start()
    c, api = make_api(srv.base_url)
    with c:
        ssid = _samplers(api)[0]
        api.result(api.ok("asample", _body(ssid, 0, max_tokens=1)))
        (child,) = _sampling_children() - before
        api.ok("asample", _body(ssid, 1, max_tokens=1800, n=32))
        time.sleep(0.05)
        srv.stop()
    _wait_for(lambda: child not in _sampling_children())
    # a stop is no sampling failure worth a warning per request (a busy server has hundreds queued); the server's
    # warnings only: a client session an earlier test left behind may warn of its missed heartbeats meanwhile
    server_warnings = [r for r in caplog.records if r.levelname == "WARNING" and r.name.startswith("tinker_local")]
    assert not server_warnings, caplog.text


def test_a_server_killed_with_sigkill_leaves_no_sampling_process(tmp_path: Path) -> None:
    port_file, stderr = tmp_path / "url", tmp_path / "stderr"
    with stderr.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tinker_local", "serve", "--port", "0", "--port-file", str(port_file)],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        url = _wait_for(lambda: port_file.exists() and port_file.read_text().strip())
        c, api = make_api(url)
        with c:
            ssid = _samplers(api)[0]
            api.result(api.ok("asample", _body(ssid, 0, max_tokens=1)))
            api.ok("asample", _body(ssid, 1, max_tokens=1000, n=8))
            time.sleep(0.05)  # the child is inside the sample: it finds no one to answer when it ends
        (child,) = _sampling_children(proc.pid)
        proc.kill()
        proc.wait()
        _wait_for(lambda: not Path(f"/proc/{child}").exists() or b"Z" in _state(child))
    finally:
        proc.kill()
    assert "Traceback" not in stderr.read_text()


def _state(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except OSError:
        return b"Z"


@pytest.mark.parametrize("count", [0, 2])
def test_the_process_count_is_a_server_setting(count: int) -> None:
    before = _sampling_children()
    with LocalServer(sampling_processes=count) as srv:
        c, api = make_api(srv.base_url)
        with c:
            ssid = _samplers(api)[0]
            for seq in range(4):
                api.result(api.ok("asample", _body(ssid, seq, max_tokens=2)))
        assert len(_sampling_children() - before) == count


@pytest.mark.parametrize(("value", "error"), [(-1, ValueError), (65, ValueError), (True, TypeError), (1.0, TypeError)])
def test_the_process_count_is_checked(value: Any, error: type[Exception]) -> None:
    from tinker_local import ServerConfig

    with pytest.raises(error, match="sampling_processes"):
        ServerConfig(sampling_processes=value)


def test_a_process_that_cannot_be_replaced_leaves_its_sample_to_a_thread(monkeypatch: Any, caplog: Any) -> None:
    before = _sampling_children()
    with LocalServer(sampling_processes=1, retrieve_timeout_s=0.2) as srv:
        c, api = make_api(srv.base_url)
        with c:
            ssid = _samplers(api)[0]
            (child,) = _wait_for(lambda: _sampling_children() - before)
            monkeypatch.setattr(sys, "executable", "/nonexistent/python")
            os.kill(child, signal.SIGKILL)
            _wait_for(lambda: not Path(f"/proc/{child}").exists())  # reaped: the pool knows it is gone
            # the replacement cannot start: the sample runs on a thread instead of waiting forever
            assert api.result(api.ok("asample", _body(ssid, 0)))["sequences"]
    assert any("sampling on threads instead" in r.getMessage() for r in caplog.records)


def test_the_process_imports_what_the_server_imported_whatever_the_working_directory(
    tmp_path: Path, monkeypatch: Any
) -> None:
    # a server started from a directory holding another tinker_local (an old checkout, say) or a module named like
    # a standard one: the process must not import it in place of the server's
    (tmp_path / "tinker_local").mkdir()
    (tmp_path / "tinker_local" / "__init__.py").write_text("raise ImportError('not the server tinker_local')\n")
    monkeypatch.chdir(tmp_path)
    with LocalServer(sampling_processes=1) as srv:
        c, api = make_api(srv.base_url)
        with c:
            ssid = _samplers(api)[0]
            assert api.result(api.ok("asample", _body(ssid, 0)))["sequences"]


def test_giving_up_the_processes_for_threads_reruns_what_they_were_running(monkeypatch: Any) -> None:
    before = _sampling_children()
    with LocalServer(sampling_processes=2, retrieve_timeout_s=0.5) as srv:
        c, api = make_api(srv.base_url)
        with c:
            ssid = _samplers(api)[0]
            first, second = sorted(
                _wait_for(lambda: len(_sampling_children() - before) == 2 and _sampling_children() - before)
            )
            os.kill(second, signal.SIGKILL)
            _wait_for(lambda: not Path(f"/proc/{second}").exists())
            long = api.ok("asample", _body(ssid, 0, max_tokens=1500, n=8))  # on the first; a second one starts
            third = max(_wait_for(lambda: _sampling_children() - before - {first}))
            os.kill(third, signal.SIGKILL)
            _wait_for(lambda: not Path(f"/proc/{third}").exists())
            monkeypatch.setattr(sys, "executable", "/nonexistent/python")
            # no process can be started: the server samples on threads from now on, the long sample included
            assert api.result(api.ok("asample", _body(ssid, 1, max_tokens=1)))["sequences"]
            assert api.result(long)["sequences"]


def test_a_relative_tokenizer_path_is_the_servers_whatever_the_working_directory_later(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from tinker_local import engine as eng

    (tmp_path / "tok.json").write_text(eng.builtin_tokenizer_json())
    monkeypatch.chdir(tmp_path)
    with LocalServer(sampling_processes=1, models=["custom/tok:tokenizer=tok.json,layers=1,width=32"]) as srv:
        monkeypatch.chdir(tmp_path.parent)  # a script that moves on after starting its server
        c, api = make_api(srv.base_url)
        with c:
            sid = api.session()
            ssid = api.ok(
                "create_sampling_session", {"session_id": sid, "sampling_session_seq_id": 0, "base_model": "custom/tok"}
            )["sampling_session_id"]
            assert api.result(api.ok("asample", _body(ssid, 0)))["sequences"]


def test_a_process_that_fails_to_start_is_reported_with_its_exit_code(caplog: Any) -> None:
    import queue

    import numpy as np

    from tinker_local import engine as eng
    from tinker_local._config import ModelSpec
    from tinker_local.service.sample_process import SampleArgs, SampleProcesses

    weights = eng.SamplerWeights.from_base(eng.ModelRegistry().get(MODEL))
    args = SampleArgs(np.array([1, 2]), eng.SamplingConfig(max_tokens=1), 1, False, 0, 0, None, 0)
    pool = SampleProcesses(1, [ModelSpec("gone", tokenizer="/nonexistent/tokenizer.json")], os.environ)
    answers: queue.Queue[Any] = queue.Queue()
    try:
        pool.submit(weights, args, answers.put)
        # its socket closes a moment before it exits: not "signal 9", as if the server (or the OOM killer) killed it
        # the second child in a row to end before answering: the pool gives processes up (the server then uses threads)
        assert str(answers.get(timeout=60)) == "sampling processes end before answering (exit code 1)"
        assert pool.unusable == "sampling processes end before answering (exit code 1)"
    finally:
        pool.close()
    assert sum("ended with exit code 1" in r.getMessage() for r in caplog.records) == 2


@pytest.mark.parametrize(
    ("broken", "warning"),
    [
        # no interpreter to start (an embedding host whose sys.executable is gone, or no descriptors left)
        ("executable", "cannot start a sampling process"),
        # an interpreter that cannot run the engine (say, one without numpy): two children in a row end before
        # answering, and the server stops failing every sample twice over
        ("child", "sampling processes end before answering (exit code 3)"),
        # no thread left to watch a started child: it is stopped, not left running unwatched
        ("thread", "cannot start a sampling process (cannot start a thread for a sampling process"),
    ],
)
def test_a_server_that_cannot_use_processes_samples_on_threads(
    monkeypatch: Any, caplog: Any, broken: str, warning: str
) -> None:
    from tinker_local.service import sample_process

    if broken == "executable":
        monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    elif broken == "child":
        monkeypatch.setattr(sample_process, "_CHILD_ENTRY", "raise SystemExit(3)")
    else:
        _no_reader_threads(monkeypatch)
    before = _sampling_children()
    with LocalServer(sampling_processes=1) as srv:
        c, api = make_api(srv.base_url)
        with c:
            ssid = _samplers(api)[0]
            got = [api.result(api.ok("asample", _body(ssid, seq))) for seq in range(3)]
            assert all(r["sequences"] for r in got)
    assert _sampling_children() == before
    messages = [r.getMessage() for r in caplog.records]
    assert sum(warning in m and "sampling on threads instead" in m for m in messages) == 1


def _no_reader_threads(monkeypatch: Any) -> None:
    """Make the start of a sampling process's reader thread fail as when no thread is left (its sender starts)."""
    start = threading.Thread.start

    def failing(self: threading.Thread) -> None:
        if self.name == "tinker-local-sample-recv":
            raise RuntimeError("can't start new thread")
        start(self)

    monkeypatch.setattr(threading.Thread, "start", failing)


def test_a_process_whose_threads_cannot_start_is_stopped_and_leaves_nothing_open(monkeypatch: Any) -> None:
    from tinker_local._config import ServerConfig
    from tinker_local.service.sample_process import SampleProcesses

    _no_reader_threads(monkeypatch)
    pool = SampleProcesses(1, ServerConfig().model_specs(), os.environ)
    before, fds = _sampling_children(), len(os.listdir("/proc/self/fd"))
    threads_before = set(threading.enumerate())  # other servers' pools have sender threads too
    try:
        for _ in range(3):
            with pytest.raises(OSError, match="cannot start a thread for a sampling process: can't start new thread"):
                pool.start()
        assert _sampling_children() == before
        _wait_for(lambda: set(threading.enumerate()) <= threads_before)  # the sender that started has ended
        assert len(os.listdir("/proc/self/fd")) == fds
    finally:
        pool.close()
