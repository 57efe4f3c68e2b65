"""The `lambdalearn` command line: a click group whose subcommands load lazily.

Each subcommand lives in its own module under `lambdalearn/commands/` and is imported only when it runs, so
`lambdalearn --help` and the TUI start-up never pay for boto3, the runtime or plotting.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from lambdalearn import __version__

# command name -> "module:attribute"; the module is imported only when the command is used.
COMMANDS: dict[str, str] = {
    "backup": "lambdalearn.commands.portable:backup",
    "browse": "lambdalearn.commands.browse:browse",
    "export": "lambdalearn.commands.portable:export_command",
    "import": "lambdalearn.commands.portable:import_command",
    "app": "lambdalearn.commands.apps:app",
    "event": "lambdalearn.commands.event:event",
    "invoke": "lambdalearn.commands.invoke:invoke",
    "lab": "lambdalearn.commands.lab:lab",
    "pack": "lambdalearn.commands.pack:pack",
    "plan": "lambdalearn.commands.plan:plan",
    "playground": "lambdalearn.commands.playground:playground",
    "quiz": "lambdalearn.commands.quiz:quiz",
    "serve": "lambdalearn.commands.serve:serve",
    "simulate": "lambdalearn.commands.simulate:simulate",
    "stats": "lambdalearn.commands.stats:stats",
    "web": "lambdalearn.commands.web:web",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when that subcommand is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module_name, attr = COMMANDS[cmd_name].split(":")
            return getattr(importlib.import_module(module_name), attr)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        """The command line's error boundary: an unexpected failure becomes one line (exit 1), see `errors`."""
        try:
            return super().invoke(ctx)
        except click.ClickException as error:  # messages can quote pack text: no terminal control codes
            from lambdalearn.textsafe import printable

            error.message = printable(error.message)
            raise
        except (click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
            import os
            import sys

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush into the pipe
            ctx.exit(141)  # 128 + SIGPIPE, what a shell reports for a writer whose reader closed
        except Exception as error:
            from lambdalearn.errors import report_failure

            action = " ".join(["lambdalearn", *filter(None, [ctx.invoked_subcommand])])
            raise click.ClickException(report_failure(error, (ctx.obj or {}).get("data_dir"), action)) from None


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="LAMBDALEARN_HOME",
    help="Where progress is kept (default: the platform's user data folder; env LAMBDALEARN_HOME).",
)
@click.version_option(__version__, prog_name="lambdalearn")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """Learn AWS Lambda: lessons, spaced-repetition quizzes, mock exams and labs.

    Run without a command to open the study app.
    """
    ctx.obj = {"data_dir": data_dir}
    if ctx.invoked_subcommand is None:
        from lambdalearn.commands.app import open_app

        open_app(ctx)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="lambdalearn")
