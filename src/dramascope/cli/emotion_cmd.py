"""``dramascope emotion classify|train``: thin skins over :mod:`dramascope.resonance`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from dramascope.cli.app import app, console, err_console

emotion_app = typer.Typer(help="Emotion and reaction classification of comments (zh/en).", no_args_is_help=True)
app.add_typer(emotion_app, name="emotion")

ModelOption = Annotated[
    Path | None,
    typer.Option("--model", envvar="DRAMASCOPE_EMOTION_MODEL",
                 help="Model folder from `emotion train` (default: the shipped model)."),
]
# Options shared by `emotion train` and `emotion train-polarity`.
TrainLangOption = Annotated[str | None, typer.Option("--lang", help="zh|en: language of your files (required with files).")]
TextFieldOption = Annotated[str, typer.Option("--text-field")]
LabelFieldOption = Annotated[str, typer.Option("--label-field")]


def _reference_option(reproduces: str):
    return typer.Option("--reference-data", help="Folder of the public corpora (shared/data): train on them too; "
                                                 f"without FILES this reproduces {reproduces}.")


def _check_training_inputs(files: list[Path] | None, lang: str | None, reference_data: Path | None,
                           reproduces: str) -> None:
    """Your files need their language; without files, the public corpora are what is trained on."""
    from dramascope.errors import UserInputError

    if files and lang not in ("zh", "en"):
        raise UserInputError("--lang zh or --lang en is required when training on your files")
    if not files and reference_data is None:
        raise UserInputError(f"give labelled FILES, or --reference-data DIR to reproduce {reproduces}")


@emotion_app.command("classify")
def classify_command(
    file: Annotated[Path, typer.Argument(help="JSONL, CSV or Parquet file with a text field.")],
    text_field: Annotated[str, typer.Option("--text-field", help="Field (column) holding the text.")] = "text",
    lang: Annotated[str, typer.Option("--lang", help="auto|zh|en (auto: detected per text).")] = "auto",
    output: Annotated[str, typer.Option("--output", "-o", help="Output file, or - for stdout (the default).")] = "-",
    in_format: Annotated[str | None, typer.Option("--format", help="jsonl|csv|parquet (default: by extension).")] = None,
    out_format: Annotated[str | None, typer.Option("--output-format", help="jsonl|csv|parquet (default: by the "
                                                                           "output's extension; jsonl on stdout).")
                          ] = None,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Write an error row for unreadable records "
                                                               "instead of stopping.")] = False,
    model: ModelOption = None,
) -> None:
    """Classify each record of FILE: label, calibrated scores, reactions, evidence, model_version (streamed)."""
    from dramascope.cli.process import keep_freed_memory, load_numba_registries_without_blas
    from dramascope.output_files import atomic_output
    from dramascope.resonance.classify import LANG_CHOICES
    from dramascope.resonance.stream import classify_file, detect_format

    from dramascope.resonance.compiled import uses_numba

    keep_freed_memory()
    if uses_numba():
        load_numba_registries_without_blas()

    if lang not in LANG_CHOICES:
        raise typer.BadParameter(f"--lang must be one of {', '.join(LANG_CHOICES)}")
    to_stdout = output == "-"
    fmt = detect_format(None if to_stdout else Path(output), out_format, "output")
    options = dict(text_field=text_field, lang=lang, in_format=in_format, out_format=fmt, skip_bad=skip_bad,
                   model_dir=model)
    if to_stdout:
        report = classify_file(file, sys.stdout.buffer, **options)
        sys.stdout.buffer.flush()
    else:
        with atomic_output(Path(output)) as tmp, open(tmp, "wb") as out:
            report = classify_file(file, out, **options)
    err_console.print(f"classified {report.classified} of {report.records} records"
                      + (f", {report.errors} unreadable" if report.errors else "")
                      + f" with {report.model_version}")


@emotion_app.command("train")
def train_command(
    files: Annotated[list[Path] | None, typer.Argument(help="Your labelled CSV/JSONL files (text,label).")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the model to.")] = Path("emotion-model"),
    lang: TrainLangOption = None,
    reference_data: Annotated[Path | None, _reference_option("the shipped model")] = None,
    extra_data: Annotated[Path | None, typer.Option(
        "--extra-data", help="Folder of the fetched extra corpora (MODEL_CARD.md, 'Training data'): with "
                             "--reference-data and no FILES, train on them too.")] = None,
    text_field: TextFieldOption = "text",
    label_field: LabelFieldOption = "label",
) -> None:
    """Train an emotion model (labels: like happiness sadness anger disgust fear surprise neutral)."""
    from dramascope.resonance.train import train_from_files, train_reference_model

    _check_training_inputs(files, lang, reference_data, "the shipped model")
    if files and extra_data is not None:
        from dramascope.errors import UserInputError

        raise UserInputError("--extra-data goes with --reference-data alone (reproducing the shipped model), not "
                             "with FILES")
    if files:
        model = train_from_files(files, output, lang=lang, text_field=text_field, label_field=label_field,
                                 reference_data=reference_data, progress=err_console.print)
    else:
        model = train_reference_model(reference_data, output, (lang,) if lang else ("zh", "en"),
                                      progress=err_console.print, extra_dir=extra_data)
    for code, rep in model.manifest.get("training", {}).items():
        if "ece_after" in rep:
            console.print(f"{code}: {rep['n_train']} rows, temperature {rep['temperature']:.2f}, "
                          f"ECE {rep['ece_before']:.3f} → {rep['ece_after']:.3f}")
    console.print(f"model {model.version} written to {output}")


@emotion_app.command("train-polarity")
def train_polarity(
    files: Annotated[list[Path] | None, typer.Argument(help="Your labelled comments (CSV or JSONL): text and a "
                                                            "label 1/0, positive/negative, 正面/负面, 好评/差评.")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the model to.")] = Path("polarity-model"),
    lang: TrainLangOption = None,
    reference_data: Annotated[Path | None, _reference_option("the shipped polarity models")] = None,
    text_field: TextFieldOption = "text",
    label_field: LabelFieldOption = "label",
) -> None:
    """Train the comment polarity model (does a comment judge the work positively?). Use the folder with
    DRAMASCOPE_POLARITY_MODEL=FOLDER."""
    from dramascope.resonance.polarity_train import train_polarity_from_files, train_polarity_model

    _check_training_inputs(files, lang, reference_data, "the shipped models")
    if files:
        models = {lang: train_polarity_from_files(files, output, lang=lang, text_field=text_field,
                                                  label_field=label_field, reference_data=reference_data,
                                                  progress=err_console.print)}
    else:
        models = train_polarity_model(reference_data, output, (lang,) if lang else ("zh", "en"),
                                      progress=err_console.print)
    for code, model in models.items():
        cal = model.meta.get("calibration", {})
        console.print(f"{code}: {model.meta.get('n_train')} rows, temperature {cal.get('temperature')}, "
                      f"ECE {cal.get('ece_before')} → {cal.get('ece_after')}; {model.version}")
    console.print(f"written to {output}")
