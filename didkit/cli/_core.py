"""The CLI's plumbing: the global state, provider selection and connection, and the error policy.

Only the standard library, typer and didkit's light modules are imported here, so that
``didkit --help`` starts fast; adapters, the broker and ``phonenumbers`` load inside commands.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from ..errors import (
    ConfigurationError,
    DidkitError,
    InvalidInputError,
    NotFoundError,
    UnsupportedOperationError,
)

if TYPE_CHECKING:
    from ..config import Config
    from ..model import DID
    from ..protocol import NumberProvider
    from ._output import Activity

T = TypeVar("T")

EXIT_OK = 0
"""Success."""
EXIT_FAILURE = 1
"""A carrier failed or refused (any :class:`~didkit.ProviderError`), nothing matched, or the user declined."""
EXIT_USAGE = 2
"""Bad input: a usage error, :class:`~didkit.InvalidInputError`, :class:`~didkit.ConfigurationError` or
:class:`~didkit.UnsupportedOperationError`. Nothing was sent to a carrier."""
EXIT_INTERRUPTED = 130
"""Interrupted (Ctrl-C)."""

_BAD_INPUT = (InvalidInputError, ConfigurationError, UnsupportedOperationError)

# ``ClickException`` is not re-exported by typer (which vendors click since 0.2x): find it by ancestry.
ClickException: type[Exception] = next(cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "ClickException")


def exit_code_for(error: BaseException) -> int:
    """The exit status for a didkit error: 2 for bad input, 1 for everything a carrier did. An
    error that stands for every provider failing (a comparison, or a procurement that could not
    search anywhere) is bad input when each provider's error is."""
    causes = _every_provider_failed(error)
    if causes:
        return EXIT_USAGE if all(exit_code_for(cause) == EXIT_USAGE for cause in causes) else EXIT_FAILURE
    return EXIT_USAGE if isinstance(error, _BAD_INPUT) else EXIT_FAILURE


def _every_provider_failed(error: BaseException) -> list[BaseException]:
    """Each provider's error, where ``error`` says that no provider answered the search; else ``[]``."""
    if isinstance(error, _BAD_INPUT) or getattr(error, "attempts", None):
        return []
    reports = getattr(error, "report", None) or ()
    causes = [getattr(report, "error", None) for report in reports]
    return [cause for cause in causes if isinstance(cause, BaseException)] if all(causes) else []


def one_line(text: str) -> str:
    """``text`` on a single line."""
    return " ".join(str(text).split())


class CliFailure(Exception):
    """A failure already explained: the message is printed on one line and ``exit_code`` returned."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(one_line(message))
        self.message = one_line(message)
        self.exit_code = exit_code


def fail(message: str, exit_code: int = EXIT_FAILURE) -> NoReturn:
    """Stop the command with ``message`` (one line on stderr) and ``exit_code``."""
    raise CliFailure(message, exit_code)


class State:
    """What the global options chose, and the providers connected for this invocation."""

    def __init__(
        self,
        *,
        sandbox: bool = False,
        json: bool = False,
        verbose: bool = False,
        providers: Sequence[str] = (),
    ) -> None:
        self.sandbox = sandbox
        self.json = json
        self.verbose = verbose
        self.providers = tuple(providers)
        self._config: Config | None = None
        self._connected: dict[str, NumberProvider] = {}

    # -- configuration ---------------------------------------------------------------------------

    @property
    def config(self) -> Config:
        """The configuration file (read once; never read in sandbox mode)."""
        if self._config is None:
            from ..config import Config, load_config

            self._config = Config() if self.sandbox else load_config()
        return self._config

    def key_envs(self, name: str) -> list[str]:
        """The environment variables that hold ``name``'s credentials: one for a key, one per
        part where the adapter declares credentials of several parts."""
        from ..config import api_key_env

        spec = getattr(_provider_class(name), "spec", None)
        parts = getattr(spec, "credential_parts", None)
        if parts:
            return [env for env in parts.values() if env]
        return [api_key_env(name, getattr(spec, "api_key_env", None))]

    def key_env(self, name: str) -> str:
        """The environment variable that holds ``name``'s key (``"A and B"`` for several parts)."""
        return " and ".join(self.key_envs(name))

    def key_source(self, name: str) -> str | None:
        """Where ``name``'s key comes from: ``"env:VAR"``, ``"config"``, or ``None``. Never the key."""
        envs = self.key_envs(name)
        if envs and all(os.environ.get(env) for env in envs):
            return f"env:{','.join(envs)}"
        if self.config.provider(name).api_key:
            return "config"
        return None

    # -- selection and connection ----------------------------------------------------------------

    def select(self, override: Sequence[str] | None = None) -> list[str]:
        """The provider names a command works on: its own ``--provider`` options, else the global
        ones, else every installed provider with a key (every installed provider in sandbox mode)."""
        from ..registry import available_providers

        installed = available_providers()
        requested = list(override or ()) or list(self.providers)
        if requested:
            names: list[str] = []
            for raw in requested:
                name = raw.strip().lower()
                if name not in installed:
                    known = ", ".join(installed) or "none installed"
                    raise ConfigurationError(f"unknown provider {raw!r} (installed: {known})")
                if name not in names:
                    names.append(name)
            return names
        if not installed:
            raise ConfigurationError("no didkit provider is installed")
        if self.sandbox:
            return installed
        names = [name for name in installed if self.key_source(name)]
        if not names:
            hints = " or ".join(self.key_env(name) for name in installed)
            raise ConfigurationError(
                f"no provider has an API key configured: set {hints}, add an api_key to the configuration file "
                "([providers.NAME] in ~/.config/didkit/config.toml or $DIDKIT_CONFIG), or use --sandbox"
            )
        return names

    def connect(self, name: str) -> NumberProvider:
        """A connected provider (cached for the invocation). No request is sent."""
        if name in self._connected:
            return self._connected[name]
        from ..config import check_api_key
        from ..registry import connect

        if self.sandbox:
            provider = connect(name, sandbox=True)
        else:
            settings = self.config.provider(name)
            envs = self.key_envs(name)
            env = self.key_env(name)
            api_key: str | Mapping[str, str] | None = settings.api_key
            several = bool(getattr(getattr(_provider_class(name), "spec", None), "credential_parts", None))
            if several and any(os.environ.get(part_env) for part_env in envs):
                api_key = None  # the provider reads each part's variable itself, and names it in any error
            elif not several and os.environ.get(env):
                # Checked here too, where it is known which variable the key came from (the message
                # names it; the file's keys are checked, and named, when it is loaded).
                api_key = check_api_key(os.environ[env], provider=name, source=f"from {env}")
            elif not api_key:
                where = f" in {self.config.path}" if self.config.path else ""
                raise ConfigurationError(
                    f"no API key for {name!r}: set {env}, add api_key to [providers.{name}]{where}, or use --sandbox"
                )
            provider = connect(name, api_key=api_key, **settings.connect_kwargs())
        self._connected[name] = provider
        return provider

    def connect_all(self, override: Sequence[str] | None = None) -> list[NumberProvider]:
        """Connect every selected provider, so that a configuration error stops the command before
        any request."""
        return [self.connect(name) for name in self.select(override)]

    def activity(self, message: str) -> Activity:
        """A spinner with ``message`` on stderr while the command waits (see :class:`Activity`)."""
        from ._output import Activity

        return Activity(message, quiet=self.json or self.verbose)

    def find_owner(self, number: str, override: Sequence[str] | None = None) -> DID:
        """The owned number ``number`` (E.164), asking every selected provider at once; the first
        in their order that owns it wins. A provider that fails gets a warning and the others still
        answer (see :func:`gather`)."""
        from ..validation import normalize_e164

        e164 = normalize_e164(number)
        providers = self.connect_all(override)

        def lookup(provider: NumberProvider) -> DID | None:
            try:
                return provider.get_number(e164)
            except NotFoundError:
                return None

        answers = gather(providers, lookup, doing=f"Looking for {e164} on", state=self)
        for _, did in answers:
            if did is not None:
                return did
        asked = [name for name, _ in answers]
        unanswered = [p.name for p in providers if p.name not in asked]
        failed = f" ({', '.join(unanswered)} could not be asked)" if unanswered else ""
        fail(f"{e164} is not owned on {', '.join(asked)}{failed}")

    def close(self) -> None:
        """Close the HTTP clients of the connected providers."""
        for provider in self._connected.values():
            closer = getattr(provider, "close", None)
            if callable(closer):
                closer()
        self._connected.clear()


def _provider_class(name: str) -> Any:
    from ..registry import provider_class

    return provider_class(name)


def get_state(ctx: typer.Context) -> State:
    """The :class:`State` of this invocation (a default one when a command runs on its own)."""
    state = ctx.find_object(State)
    if state is None:
        state = State()
        ctx.obj = state
    return state


def _verbose(ctx: Any) -> bool:
    state = ctx.find_object(State) if ctx is not None else None
    return bool(state and state.verbose)


def _print_traceback(error: BaseException) -> None:
    sys.stderr.write("".join(traceback.format_exception(type(error), error, error.__traceback__)))


GLOBAL_FLAGS = frozenset({"--json", "--sandbox", "--verbose", "-v"})
"""The root's flags that may also come after the command (``didkit search --country US --json``)."""


class DidkitGroup(TyperGroup):
    """The root group: every :class:`~didkit.DidkitError` and usage error becomes one line on stderr
    and an exit status (see ``EXIT_*``); a traceback is shown only with ``-v``. The
    :data:`GLOBAL_FLAGS` are accepted anywhere before a ``--``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        end = args.index("--") if "--" in args else len(args)
        flags = [arg for arg in args[:end] if arg in GLOBAL_FLAGS]
        rest = [arg for arg in args[:end] if arg not in GLOBAL_FLAGS]
        return super().parse_args(ctx, [*flags, *rest, *args[end:]])

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DidkitError as error:
            if _verbose(ctx):
                _print_traceback(error)
            raise CliFailure(str(error) or type(error).__name__, exit_code_for(error)) from error
        except (CliFailure, typer.Exit, typer.Abort, KeyboardInterrupt, ClickException):
            raise
        except Exception as error:  # a bug: still one line, the traceback with -v
            if _verbose(ctx):
                _print_traceback(error)
            raise CliFailure(
                f"internal error: {type(error).__name__}: {error} (run with -v for the traceback)", EXIT_FAILURE
            ) from error

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        code = EXIT_OK
        try:
            result = super().main(
                args=args,
                prog_name=prog_name or "didkit",
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
            if isinstance(result, int) and not isinstance(result, bool):
                code = result
        except typer.Abort:
            typer.echo("aborted", err=True)
            code = EXIT_FAILURE
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            code = EXIT_INTERRUPTED
        except CliFailure as error:
            typer.echo(f"error: {error.message}", err=True)
            code = error.exit_code
        except ClickException as error:
            code = _report_click_error(error)
        if not standalone_mode:
            return code
        sys.exit(code)


def _report_click_error(error: Any) -> int:
    if type(error).__name__ == "NoArgsIsHelpError" and getattr(error, "ctx", None) is not None:
        typer.echo(error.ctx.get_help(), err=True)
        return EXIT_USAGE
    message = one_line(error.format_message())
    usage_ctx = getattr(error, "ctx", None)
    if usage_ctx is not None:
        message += f" (see '{usage_ctx.command_path} --help')"
    typer.echo(f"error: {message}", err=True)
    return int(getattr(error, "exit_code", EXIT_FAILURE))


def setup_logging(verbose: bool) -> logging.Handler | None:
    """With ``-v``: debug records of the ``didkit`` logger on stderr (the engine redacts keys)."""
    if not verbose:
        return None
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("didkit")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return handler


def teardown_logging(handler: logging.Handler | None) -> None:
    """Undo :func:`setup_logging`."""
    if handler is not None:
        logger = logging.getLogger("didkit")
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


def confirm(question: str, *, declined: str = "aborted: nothing was changed") -> None:
    """Ask ``question`` on stderr; anything but yes stops the command with exit status 1."""
    try:
        answer = typer.confirm(question, default=False, err=True)
    except typer.Abort:
        answer = False
    if not sys.stdin.isatty():
        sys.stderr.write("\n")  # the answer was not echoed: end the prompt's line
    if not answer:
        fail(declined)


def iter_unique(values: Sequence[str]) -> Iterator[str]:
    """``values`` without repeats, in order."""
    seen: set[str] = set()
    for value in values:
        if value not in seen:
            seen.add(value)
            yield value


def warn_failure(provider: str, error: BaseException) -> None:
    """A per-provider failure, as one line on stderr."""
    message = one_line(str(error))
    if not message.startswith(f"{provider}:"):
        message = f"{provider}: {message}"
    sys.stderr.write(f"warning: {message}\n")
    sys.stderr.flush()


def gather(
    providers: Sequence[NumberProvider], call: Callable[[NumberProvider], T], *, doing: str, state: State
) -> list[tuple[str, T]]:
    """``call`` on every provider, concurrently; results in the providers' order.

    While they work, a spinner says ``"<doing> <the providers still working>…"`` (see
    :meth:`State.activity`). A provider that fails with a :class:`~didkit.ProviderError`, or does
    not know a place the command named (:class:`~didkit.UnknownPlaceError`), gets a warning line on
    stderr and is left out. When every provider fails, the command fails with one line naming each
    failure, and the exit status ``search`` would give (see :func:`exit_code_for`).
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from ..errors import ProviderError, UnknownPlaceError

    if not providers:
        return []
    names = [provider.name for provider in providers]
    answered: list[str] = []

    def waiting() -> str:
        pending = ", ".join(name for name in names if name not in answered) or ", ".join(names)
        progress = f" ({len(answered)}/{len(names)} answered)" if answered else ""
        return f"{doing} {pending}…{progress}"

    outcomes: dict[str, T] = {}
    failures: dict[str, DidkitError] = {}
    with state.activity(waiting()) as activity, ThreadPoolExecutor(max_workers=len(providers)) as pool:
        futures = {pool.submit(call, provider): provider.name for provider in providers}
        for future in as_completed(futures):
            name = futures[future]
            try:
                outcomes[name] = future.result()
            except (ProviderError, UnknownPlaceError) as error:
                failures[name] = error
            answered.append(name)
            activity.update(waiting())
    results = [(name, outcomes[name]) for name in names if name in outcomes]
    errors = [(name, failures[name]) for name in names if name in failures]
    if errors and not results:
        if len(errors) == 1:
            raise errors[0][1]
        from ..broker import ComparisonFailedError, ProviderReport

        raise ComparisonFailedError([ProviderReport(name, error=failure) for name, failure in errors])
    for name, failure in errors:
        warn_failure(name, failure)
    return results
