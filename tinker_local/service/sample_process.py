"""Sample requests run in engine processes of their own, off the server's GIL.

In one process the event loop and the sampling threads take turns on the GIL: every numpy call of a tiny model's
forward pass hands the GIL over and back, which under load doubles the engine's CPU cost per sample and makes the
loop wait. ``SampleProcesses`` instead runs ``asample`` work in ``ServerConfig.sampling_processes`` child processes
(``_child_main`` in ``python -P -c``), each a plain engine with the server's registry of base models, fed over a
socketpair:

- the parent sends batches of pickled messages from one sender thread per child (the event loop never blocks on a
  busy child), and one reader thread per child completes the futures;
- weights go to a child once: a LoRA snapshot's adapter is sent before its first sample, and the parent and the
  child keep the same most-recently-used order of snapshots, the child keeping more than the parent believes it has;
- a child that dies (killed, out of memory) is replaced; each request it was running is run once more on the new
  child and fails as a server error if that one dies too;
- a child exits when its socket closes, so it never outlives the server, even one killed with ``kill -9``;
- two children in a row that end before answering mark the pool ``unusable`` (an interpreter that cannot run the
  engine), and the server samples on threads instead.

``SampleArgs`` (the engine's arguments) and ``collect`` (events to a ``SampleOutcome``) are shared with the
in-process path: a sample runs the same code either way and gives bitwise the same result.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from .. import engine as eng
from .._config import ModelSpec

__all__ = ["SampleArgs", "SampleOutcome", "SampleProcessError", "SampleProcesses", "collect"]

log = logging.getLogger("tinker_local")

#: Snapshots whose adapter the parent counts on a child holding; the child keeps twice as many, so it never lacks one.
_PARENT_KEPT = 16
_CHILD_KEPT = 2 * _PARENT_KEPT
#: A child sends the results it has whenever its input runs dry, and at least this often while it works through a
#: backlog (a long sample must not hold back the short ones finished before it).
_FLUSH_S = 0.005
#: How long a child whose socket closed gets to exit before it is killed.
_EXIT_WAIT_S = 1.0
_STOPPED = "the server stopped before this request finished"


@dataclass(frozen=True)
class SampleArgs:
    """One sample request as the engine takes it, apart from the weights: plain data a child process can be sent."""

    prompt: np.ndarray
    cfg: eng.SamplingConfig
    num_samples: int
    prompt_logprobs: bool
    topk_prompt: int
    topk_sample: int
    targets: eng.PromptTargets | None
    alt_k: int

    def stream(self, weights: Any, decode: Callable[[list[int]], str] | None) -> Iterator[eng.StreamEvent]:
        return eng.sample_stream(
            weights,
            self.prompt,
            self.cfg,
            self.num_samples,
            self.prompt_logprobs,
            self.topk_prompt,
            decode,
            topk_sample_logprobs=self.topk_sample,
            target_prompt_logprobs=self.targets,
            prompt_alt_tokens_k=self.alt_k,
        )


@dataclass
class SampleOutcome:
    """What the engine produced for one request: per sample its tokens, logprobs, top-k rows and stop reason."""

    tokens: list[list[int]]
    logprobs: list[list[float]]
    topk: list[list[list[tuple[int, float]]]]
    reasons: list[str]
    prompt: eng.PromptEvent | None


def collect(
    events: Iterable[eng.StreamEvent], n: int, cancelled: Callable[[], bool] | None = None
) -> SampleOutcome | None:
    """Gather a request's event stream; None when ``cancelled()`` turns true between events."""
    out = SampleOutcome([[] for _ in range(n)], [[] for _ in range(n)], [[] for _ in range(n)], ["length"] * n, None)
    for ev in events:
        if cancelled is not None and cancelled():
            return None
        if isinstance(ev, eng.TokenEvent):
            out.tokens[ev.sample_index].append(ev.token)
            out.logprobs[ev.sample_index].append(ev.logprob)
            if ev.topk is not None:
                out.topk[ev.sample_index].append(ev.topk)
        elif isinstance(ev, eng.DoneEvent):
            out.reasons[ev.sample_index] = ev.stop_reason
        else:
            out.prompt = ev
    return out


# what a child runs (not ``-m`` this module: it is imported again, as the parent's classes, when results are pickled)
_CHILD_ENTRY = "import sys; from tinker_local.service.sample_process import _child_main; _child_main(int(sys.argv[1]))"


class SampleProcessError(RuntimeError):
    """The child running a request died twice, or the pool was closed: a server-side failure."""


#: (outcome or the exception to report) for one request
Done = Callable[[SampleOutcome | BaseException], None]


@dataclass
class _Request:
    rid: int
    weights: eng.SamplerWeights
    args: SampleArgs
    done: Done
    tries: int = 0


@dataclass
class _Child:
    proc: subprocess.Popen[bytes]
    sock: socket.socket  # shut down to wake the reader and tell the child to exit
    # each thread reads or writes its own duplicate of sock's descriptor and closes it when it ends, so neither can
    # touch a descriptor number the other freed
    rconn: Connection
    wconn: Connection
    pending: dict[int, _Request] = field(default_factory=dict)
    outbox: list[tuple[Any, ...]] = field(default_factory=list)
    held: OrderedDict[int, None] = field(default_factory=OrderedDict)  # snapshot ids the child holds
    wake: threading.Condition = field(default_factory=threading.Condition)
    dead: bool = False
    answered: bool = False  # sent a result: it started

    def take_pending(self) -> list[_Request]:
        with self.wake:
            reqs, self.pending = list(self.pending.values()), {}
        return reqs


class SampleProcesses:
    """A pool of engine child processes for sample requests (started on first use, replaced when they die)."""

    def __init__(self, count: int, model_specs: list[ModelSpec], environ: Mapping[str, str]) -> None:
        self._count = count
        # a child starts later, maybe in another working directory: a relative tokenizer= is the server's
        specs = [
            replace(s, tokenizer=os.path.abspath(s.tokenizer)) if s.tokenizer and s.tokenizer.lower() != "none" else s
            for s in model_specs
        ]
        self._init = ("init", specs, dict(environ))
        self._lock = threading.Lock()
        self._children: list[_Child] = []
        self._next_rid = 0
        self._closed = False
        self._failed_starts = 0  # children in a row that ended before answering anything
        #: why processes cannot be used here (children die on start, e.g. an interpreter without numpy), or None
        self.unusable: str | None = None

    def start(self) -> None:
        """Start the children now (idempotent), so the first sample does not wait for their imports."""
        with self._lock:
            self._fill()

    def submit(self, weights: eng.SamplerWeights, args: SampleArgs, done: Done) -> None:
        """Queue a request; ``done`` is called once, on a pool thread, with its outcome or an exception."""
        with self._lock:
            if self._closed or self.unusable:
                raise SampleProcessError(self.unusable or "the server is stopping")
            self._next_rid += 1
            self._send(_Request(self._next_rid, weights, args, done))

    def close(self) -> None:
        """Stop the children; requests still running fail with ``SampleProcessError``."""
        with self._lock:
            self._closed = True
            children, self._children = self._children, []
        for c in children:
            self._retire(c)
        for c in children:  # nothing in a child is worth waiting for: what it runs fails below anyway
            c.proc.kill()
            c.proc.wait()
            self._fail(c.take_pending(), _STOPPED)

    # -- parent side (callers hold self._lock) -------------------------------------------------------
    def _fill(self) -> None:
        self._children = [c for c in self._children if not c.dead]
        while len(self._children) < self._count and not self._closed:
            self._children.append(self._spawn())

    def _spawn(self) -> _Child:
        mine, theirs = socket.socketpair()
        env = dict(os.environ)
        # the child imports this package from wherever the parent did (a checkout on sys.path, say); -P: not from
        # the working directory first, which may hold another tinker_local or a module named like a standard one
        path = [p or os.getcwd() for p in sys.path]
        env["PYTHONPATH"] = os.pathsep.join([*path, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        try:
            with theirs:
                proc = subprocess.Popen(
                    [sys.executable, "-P", "-c", _CHILD_ENTRY, str(theirs.fileno())],
                    pass_fds=[theirs.fileno()],
                    stdin=subprocess.DEVNULL,
                    env=env,
                )
        except BaseException:
            mine.close()
            raise
        child = _Child(proc, mine, Connection(os.dup(mine.fileno())), Connection(os.dup(mine.fileno())))
        child.outbox.append(self._init)
        sender = threading.Thread(target=self._sender, args=(child,), name="tinker-local-sample-send", daemon=True)
        reader = threading.Thread(target=self._reader, args=(child,), name="tinker-local-sample-recv", daemon=True)
        try:
            sender.start()
            reader.start()
        except RuntimeError as e:  # no thread left to start: the child would run unwatched, never to be replaced
            self._retire(child)  # a sender that did start ends and closes its descriptor
            proc.kill()
            proc.wait()
            if not sender.is_alive():
                child.wconn.close()
            child.rconn.close()
            child.sock.close()
            raise OSError(f"cannot start a thread for a sampling process: {e}") from e
        return child

    def _send(self, req: _Request) -> None:
        self._fill()
        if not self._children:
            raise SampleProcessError("the server is stopping")
        child = min(self._children, key=lambda c: len(c.pending))
        w = req.weights
        msgs: list[tuple[Any, ...]] = []
        if w.snapshot_id in child.held:
            child.held.move_to_end(w.snapshot_id)
        else:
            msgs.append(("weights", w.snapshot_id, w.base.name, w.base.dtype.str, w.lora, dict(w.adapter)))
            child.held[w.snapshot_id] = None
            if len(child.held) > _PARENT_KEPT:
                child.held.popitem(last=False)
        msgs.append(("sample", req.rid, w.snapshot_id, w.base.name, req.args))
        req.tries += 1
        with child.wake:
            child.pending[req.rid] = req
            child.outbox.extend(msgs)
            child.wake.notify()

    def _sender(self, child: _Child) -> None:
        with child.wconn:
            while True:
                with child.wake:
                    while not child.outbox and not child.dead:
                        child.wake.wait()
                    if child.dead:
                        return
                    batch, child.outbox = child.outbox, []
                try:
                    child.wconn.send(batch)
                except OSError:  # the child died; the reader sees it too and reruns its requests
                    return

    def _reader(self, child: _Child) -> None:
        while True:
            try:
                results = child.rconn.recv()
            except (EOFError, OSError):
                break
            child.answered = True
            for rid, ok, value in results:
                with child.wake:
                    req = child.pending.pop(rid, None)
                if req is not None:
                    _deliver(req, value if ok else _error(value))
        self._child_died(child)
        child.rconn.close()
        child.sock.close()

    def _child_died(self, child: _Child) -> None:
        with self._lock:  # no new request goes to it while it is given time to exit
            if child.dead:  # retired by close()
                return
            self._retire(child)
        try:  # its socket closes a moment before it exits: its exit code, not our kill below, says what happened
            child.proc.wait(timeout=_EXIT_WAIT_S)
        except subprocess.TimeoutExpired:
            pass
        sent: list[_Request] = []
        with self._lock:
            code = child.proc.poll()
            if code is None:
                child.proc.kill()
                code = child.proc.wait()
            reqs = child.take_pending()  # none if close() got to it first
            how = f"signal {-code}" if code < 0 else f"exit code {code}"
            if self._closed:
                why = _STOPPED
            else:
                self._failed_starts = 0 if child.answered else self._failed_starts + 1
                if self._failed_starts >= 2:  # not one bad request: this interpreter cannot run them (see stderr)
                    self.unusable = f"sampling processes end before answering ({how})"
                why = self.unusable or f"the sampling process running this request ended ({how})"
                sent = self._run_again(child, how, reqs)
        self._fail([r for r in reqs if r not in sent], why)

    def _run_again(self, child: _Child, how: str, reqs: list[_Request]) -> list[_Request]:
        """Send the requests of a dead child that have a try left to a new one; return those sent (all, unless no
        new child could start)."""
        sent: list[_Request] = []
        again = [r for r in reqs if r.tries < 2 and not self.unusable]
        log.warning(
            "a sampling process (pid %d) ended with %s; running %d of its %d requests again on a new one",
            child.proc.pid,
            how,
            len(again),
            len(reqs),
        )
        try:
            for r in again:
                self._send(r)
                sent.append(r)
        except (OSError, SampleProcessError):  # no replacement could be started: what is left fails
            log.warning("cannot start a sampling process", exc_info=True)
        return sent

    @staticmethod
    def _retire(child: _Child) -> None:
        with child.wake:
            child.dead = True
            child.wake.notify()
        try:
            child.sock.shutdown(socket.SHUT_RDWR)  # the reader wakes; the child reads end-of-file and exits
        except OSError:
            pass

    @staticmethod
    def _fail(reqs: list[_Request], why: str) -> None:
        for r in reqs:
            _deliver(r, SampleProcessError(why))


def _deliver(req: _Request, value: SampleOutcome | BaseException) -> None:
    try:
        req.done(value)
    except Exception:  # a reader thread that died would leave every later request of its process unanswered
        log.exception("delivering sample request %d failed", req.rid)


def _error(value: tuple[str, str]) -> BaseException:
    kind, msg = value
    return eng.EngineInputError(msg) if kind == "input" else RuntimeError(msg)


# -- child side --------------------------------------------------------------------------------------
def _child_main(fd: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole process group; the parent decides
    logging.getLogger("tinker_local").setLevel(logging.ERROR)  # the parent already logged the served models
    try:
        _serve(Connection(fd))
    except (BrokenPipeError, ConnectionResetError):  # the parent is gone (killed): no one is left to answer
        pass


def _serve(conn: Connection) -> None:
    from .served import register_served_models

    registry = eng.ModelRegistry()
    snapshots: OrderedDict[int, eng.SamplerWeights | Exception] = OrderedDict()
    results: list[tuple[int, bool, Any]] = []
    flushed = time.monotonic()
    while True:
        if results and (not conn.poll() or time.monotonic() - flushed > _FLUSH_S):
            conn.send(results)
            results, flushed = [], time.monotonic()
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        for msg in batch:
            if msg[0] == "sample":
                _, rid, sid, base_name, args = msg
                results.append((rid, *_run(registry, snapshots, sid, base_name, args)))
                if time.monotonic() - flushed > _FLUSH_S:
                    conn.send(results)
                    results, flushed = [], time.monotonic()
            elif msg[0] == "weights":
                _, sid, base_name, dtype, lora, adapter = msg
                try:
                    base = registry.get(base_name, np.dtype(dtype))
                    snap = (
                        eng.SamplerWeights.from_base(base) if lora is None else eng.SamplerWeights(base, lora, adapter)
                    )
                except Exception as e:  # noqa: BLE001 - reported by each sample that needs it
                    snapshots[sid] = e
                else:
                    snapshots[sid] = snap
                if len(snapshots) > _CHILD_KEPT:
                    snapshots.popitem(last=False)
            elif msg[0] == "init":
                _, specs, environ = msg
                register_served_models(registry, specs, environ)


def _run(
    registry: eng.ModelRegistry,
    snapshots: OrderedDict[int, eng.SamplerWeights | Exception],
    sid: int,
    base_name: str,
    args: SampleArgs,
) -> tuple[bool, Any]:
    try:
        weights = snapshots[sid]
        snapshots.move_to_end(sid)
        if isinstance(weights, Exception):
            raise weights
        outcome = collect(args.stream(weights, registry.served(base_name).decode), args.num_samples)
        return True, outcome
    except eng.EngineInputError as e:
        return False, ("input", str(e))
    except Exception as e:  # noqa: BLE001 - reported to the parent, which fails the request as a server error
        return False, ("internal", f"{type(e).__name__}: {e}")
